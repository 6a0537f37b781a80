package notify

// Sample data of the email confirming a deletion (package account, erase.go).
func init() {
	samples["account_deleted"] = map[string]any{"Name": "Ana", "Link": "https://libres.example/privacidad"}
}
