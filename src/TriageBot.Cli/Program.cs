// Entry point of the `triagebot` command line. Commands are added in Commands/.
return 0;
