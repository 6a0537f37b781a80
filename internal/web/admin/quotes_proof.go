package admin

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"

	"github.com/libres/storefront/internal/quote"
)

// A proof chosen in a price form that was refused for another reason (shares that do not
// add up) is kept: quote.Service.Stash checks and stores it, and the form carries it as a
// token signed with the store's key (payload "." MAC, both base64url; SetProofKey, derived
// from the order link key so every replica shares it), so the file a form names is one the
// store stored, never an object key typed into the form. Without a set key each process
// draws its own, and a token from another process asks for the file again.

// proofKey is the process's signing key, made on first use.
type proofKey struct {
	once sync.Once
	key  []byte
}

func (k *proofKey) get() []byte {
	k.once.Do(func() {
		if len(k.key) >= 32 {
			return // set by SetProofKey: shared by every replica
		}
		k.key = make([]byte, 32)
		_, _ = rand.Read(k.key)
	})
	return k.key
}

// SetProofKey sets the key that signs a kept proof (at least 32 bytes, the same on every
// replica, so a refused price form may be sent again to any of them); call it before
// serving. Without it each process draws its own.
func (h *Handler) SetProofKey(key []byte) {
	if len(key) >= 32 {
		h.proofs.key = append([]byte(nil), key...)
	}
}

func (k *proofKey) mac(payload string) []byte {
	m := hmac.New(sha256.New, k.get())
	m.Write([]byte("libres admin kept proof\x00" + payload))
	return m.Sum(nil)
}

// sign returns the token of a stashed proof.
func (k *proofKey) sign(f quote.Kept) string {
	b, _ := json.Marshal(f)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(k.mac(payload))
}

// open returns the proof a token names, false when this process did not sign it.
func (k *proofKey) open(token string) (quote.Kept, bool) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 2048 {
		return quote.Kept{}, false
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, k.mac(payload)) {
		return quote.Kept{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return quote.Kept{}, false
	}
	var f quote.Kept
	if json.Unmarshal(b, &f) != nil {
		return quote.Kept{}, false
	}
	return f, true
}

// keptProof is the proof a form's token names, nil when there is none (or it is no
// longer stored).
func (h *Handler) keptProof(ctx context.Context, token string) (*quote.Upload, string) {
	if token == "" {
		return nil, ""
	}
	k, ok := h.proofs.open(token)
	if !ok {
		return nil, ""
	}
	up, err := h.Quotes.Keep(ctx, k)
	if err != nil {
		return nil, ""
	}
	return &up, k.Name
}

// keepProof stashes a newly chosen proof of a refused form and returns its token and
// name; a proof the file rules refuse is not kept (its own error says why).
func (h *Handler) keepProof(ctx context.Context, up *quote.Upload) (string, string) {
	if up == nil || len(up.Body) == 0 {
		return "", ""
	}
	kept, _, err := h.Quotes.Stash(ctx, []quote.Upload{*up})
	if err != nil || len(kept) != 1 {
		return "", ""
	}
	return h.proofs.sign(kept[0]), kept[0].Name
}
