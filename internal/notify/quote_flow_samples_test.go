package notify

// Sample data of the quote emails package quote sends on moves, prices, messages and
// reminders (its tests enqueue the real data through a real queue, which renders it).
func init() {
	link := "https://libres.example/corporate/quotes/42"
	base := func(extra map[string]any) map[string]any {
		d := map[string]any{"Number": "COT-2026-00042", "Company": "Textiles Andinos S.A.S.", "Link": link}
		for k, v := range extra {
			d[k] = v
		}
		return d
	}
	samples["quote_quoted"] = base(map[string]any{"Version": 2, "Total": "$ 1.857.000", "ValidUntil": "20/03/2026"})
	samples["quote_status"] = base(map[string]any{"Status": "cancelled", "Reason": "La empresa desiste"})
	samples["quote_message"] = base(map[string]any{"Author": "Ana Pérez", "Body": "¿Pueden bordar el logo en dorado?"})
	samples["quote_reminder"] = base(map[string]any{"Total": "$ 1.857.000", "ValidUntil": "20/03/2026"})
}
