package notify

// Sample data of the order emails (package order builds the real data; its tests render
// what it enqueues through this renderer too).
func init() {
	link := "https://libres.example/pedido?token=1.abc"
	lines := []map[string]any{
		{"Title": "Bota Chelsea", "Details": "38 · Negro", "SKU": "BOT-38", "Quantity": 2, "Unit": "$ 189.000", "Total": "$ 378.000", "Exempt": false},
		{"Title": "Mochila", "Details": "", "SKU": "MOC-1", "Quantity": 1, "Unit": "$ 90.000", "Total": "$ 90.000", "Exempt": true},
	}
	receipt := func(method, instructions, deadline string) map[string]any {
		return map[string]any{"Name": "Ana", "Number": "LIB-2026-000123", "Link": link, "Total": "$ 488.000",
			"Lines": lines, "HasExempt": true, "Subtotal": "$ 468.000", "Tax": "$ 60.353", "Shipping": "$ 10.000",
			"Donation": "$ 10.000", "Address": "Calle 1 # 2-3, Bogotá, Bogotá D.C.", "Method": method,
			"Instructions": instructions, "Deadline": deadline}
	}
	samples["order_received"] = receipt("transfer", "Bancolombia, cuenta de ahorros 000-000000-00", "05/03/2026 10:00 (hora de Colombia)")
	samples["order_paid"] = receipt("card", "", "")
	samples["order_payment_reminder"] = map[string]any{"Name": "Ana", "Number": "LIB-2026-000123", "Link": link,
		"Total": "$ 488.000", "Instructions": "Bancolombia", "Deadline": "05/03/2026 10:00 (hora de Colombia)"}
	samples["order_shipped"] = map[string]any{"Name": "Ana", "Number": "LIB-2026-000123", "Link": link,
		"Total": "$ 488.000", "Carrier": "Servientrega", "Tracking": "123456789"}
	samples["order_cancelled"] = map[string]any{"Name": "Ana", "Number": "LIB-2026-000123", "Link": link,
		"Total": "$ 488.000", "Cause": "staff", "Reason": "sin existencias"}
	samples["order_refunded"] = map[string]any{"Name": "Ana", "Number": "LIB-2026-000123", "Link": link,
		"Total": "$ 488.000", "Amount": "$ 488.000", "Full": true}
	samples["order_request_received"] = map[string]any{"Name": "Ana", "Number": "LIB-2026-000123", "Link": link,
		"Total": "$ 488.000", "Kind": "withdrawal", "Reason": "La talla no me quedó", "At": "05/03/2026 10:00"}
	samples["order_request_staff"] = map[string]any{"Name": "Ana", "Number": "LIB-2026-000123", "Link": link,
		"Total": "$ 488.000", "Kind": "reversal", "Reason": "No reconozco el cobro", "At": "05/03/2026 10:00",
		"Email": "ana@example.co", "Phone": "3001234567"}
}
