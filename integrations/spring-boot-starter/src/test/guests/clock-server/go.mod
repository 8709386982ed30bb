module example.com/clockserver

go 1.26
