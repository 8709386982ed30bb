module mcpwasm.test/fileops

go 1.26
