package notify

// Sample data of a guest's deletion emails (package account, guest_privacy.go).
func init() {
	samples["privacy_guest_link"] = map[string]any{"Link": "https://libres.example/privacidad/solicitud/confirmar?token=abc"}
	samples["privacy_guest_deleted"] = map[string]any{"Link": "https://libres.example/privacidad"}
}
