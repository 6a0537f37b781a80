package notify

// Sample data of the pickup emails (package order, pickup.go).
func init() {
	pickup := map[string]any{"Name": "Ana Pérez", "Number": "LIB-2026-000123",
		"Link": "https://libres.example/pedido?token=1.abc", "Total": "$ 100.000",
		"Point": "Estudio Segundas Oportunidades", "PointAddress": "Centro comercial, local 201, Bogotá",
		"Hours": "Lunes a sábado de 10:00 a 20:00", "Instructions": "Trae tu documento y el número del pedido."}
	samples["order_pickup_ready"] = pickup
	samples["order_picked_up"] = pickup
}
