package notify

// Sample data of the quote payment emails (package quote, pay_mail.go).
func init() {
	base := func(extra map[string]any) map[string]any {
		d := map[string]any{"Number": "COT-2026-00042", "Company": "Textiles Andinos S.A.S.",
			"Link": "https://libres.example/corporate/quotes/42"}
		for k, v := range extra {
			d[k] = v
		}
		return d
	}
	samples["quote_paid"] = base(map[string]any{"Kind": "deposit", "Method": "card", "Amount": "$ 928.500",
		"Paid": "$ 928.500", "Due": "$ 928.500", "Total": "$ 1.857.000", "Settled": false})
	samples["quote_refund"] = base(map[string]any{"Amount": "$ 100.000", "Kind": "deposit", "Reason": "Talla equivocada"})
}
