package notify

// Sample data of the company sign-up email to staff (package quote, company.go).
func init() {
	samples["company_signup"] = map[string]any{"Name": "Textiles Andinos S.A.S.", "NIT": "900.123.456-8",
		"City": "Medellín", "ContactName": "Marta Compras", "ContactPhone": "+57 300 555 0101",
		"ContactEmail": "compras@textiles.example", "Link": "https://libres.example/admin/companies"}
}
