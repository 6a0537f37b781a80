package docs

import (
	"encoding/base64"
	"html/template"

	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/tags"
	"github.com/libres/storefront/internal/web/pdf"
)

// Maker is a workshop that made a delivery's garments, as the printable note shows it:
// a QR code to its public page and a caption.
type Maker struct {
	Name    string
	URL     string       // the workshop's page on the store, absolute
	QR      template.URL // the QR code as a data: URL (the same PNG the PDF carries)
	Caption string
	Alt     string
}

// workshopPaths are the store's workshop pages by language, as shop routes them.
var workshopPaths = map[string]string{"es": "/taller/", "en": "/en/workshop/"}

// makers returns the QR codes of the workshops assigned to the quote whose public page
// exists (an inactive workshop's page is not found, so it gets none), in the quote's
// order (largest share first), with the same codes for the PDF.
func (h *Handler) makers(lang string, ws []quote.Assignment) ([]Maker, []pdf.QRCode, error) {
	var out []Maker
	var codes []pdf.QRCode
	prefix, ok := workshopPaths[lang]
	if !ok {
		prefix = workshopPaths["es"]
	}
	for _, w := range ws {
		if !w.WorkshopActive || w.WorkshopSlug == "" {
			continue
		}
		url := h.Absolute(prefix + w.WorkshopSlug)
		png, err := tags.QRPNG(url, 256)
		if err != nil {
			return nil, nil, err
		}
		m := Maker{Name: w.WorkshopName, URL: url, Caption: h.T(lang, "tags.delivery.caption", w.WorkshopName),
			Alt: h.T(lang, "tags.delivery.qr_alt", w.WorkshopName),
			QR:  template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))}
		out = append(out, m)
		codes = append(codes, pdf.QRCode{PNG: png, Caption: m.Caption + " " + url})
	}
	return out, codes, nil
}
