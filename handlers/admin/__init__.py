"""The admin's chat: the /admin dashboard, one-line commands, acting for a family, reminding."""
