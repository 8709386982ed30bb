module mcpwasm.test/protocolserver

go 1.26
