module github.com/mcpwasm/guest-kits/go

go 1.21
