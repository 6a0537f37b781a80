package corporate

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/libres/storefront/internal/quote"
)

// Kept files travel in the request form as signed tokens, so a file the form keeps after
// a failed submit is one this process checked and stored for this user, never a key a
// visitor typed: payload "." MAC, both base64url, the MAC over the user id and payload.

func (h *Handler) signKept(userID int64, k quote.Kept) string {
	b, _ := json.Marshal(k)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(h.keptMAC(userID, payload))
}

// openKept returns the file a token names, false when the token was not made for userID
// by this key.
func (h *Handler) openKept(userID int64, token string) (quote.Kept, bool) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 2048 {
		return quote.Kept{}, false
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, h.keptMAC(userID, payload)) {
		return quote.Kept{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return quote.Kept{}, false
	}
	var k quote.Kept
	if json.Unmarshal(b, &k) != nil {
		return quote.Kept{}, false
	}
	return k, true
}

func (h *Handler) keptMAC(userID int64, payload string) []byte {
	m := hmac.New(sha256.New, h.keepKey())
	m.Write([]byte("libres corporate kept file\x00" + strconv.FormatInt(userID, 10) + "\x00" + payload))
	return m.Sum(nil)
}
