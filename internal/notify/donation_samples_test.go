package notify

func init() {
	donation := map[string]any{"Name": "Ana", "Number": "DON-2026-000045", "Amount": "$ 50.000",
		"Link": "https://libres.example/donar/recibo?token=1.abc", "Method": "transfer",
		"Instructions": "Banco de Ejemplo, cuenta de ahorros 000-000000-00"}
	samples["donation_pending"] = donation
	samples["donation_received"] = donation
	samples["donation_refunded"] = donation
}
