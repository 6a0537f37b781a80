package admin

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/internal/web/shop"
)

const impactPath = "/admin/impact"

// ImpactView is /admin/impact: which aggregate figures the public workshop pages show.
// Each is off until staff turn it on; none is ever a person's earnings.
type ImpactView struct {
	Nav     Nav
	Figures []ImpactFigure
	Action  string
}

// ImpactFigure is one figure's switch.
type ImpactFigure struct {
	Name, Label, Hint string
	On                bool
}

func (h *Handler) impactForm(c *gin.Context, lang string) error {
	on, err := h.impactSettings(c.Request.Context())
	if err != nil {
		return err
	}
	v := ImpactView{Nav: h.ledgerNav(c, lang, impactPath), Action: withLang(c, impactPath)}
	for _, name := range shop.ImpactFigures {
		v.Figures = append(v.Figures, ImpactFigure{Name: name, Label: h.T(lang, "statements.impact.figure."+name),
			Hint: h.T(lang, "statements.impact.hint."+name), On: on[name]})
	}
	if h.Donations != nil {
		v.Figures = append(v.Figures, ImpactFigure{Name: donationsFigure, Label: h.T(lang, "admindonations.impact.figure"),
			Hint: h.T(lang, "admindonations.impact.hint"), On: on[donationsFigure]})
	}
	p := h.page(c, lang, "statements.impact.title")
	p.Data = v
	return h.Render(c, http.StatusOK, "admin/impact", p)
}

// donationsFigure is the donation page's switch (donation.PublicSetting, "impact.donations"):
// this year's gifts and the names of donors who did not give anonymously.
const donationsFigure = "donations"

// impactNames are the switches the page saves: the workshop figures, and the donation
// page's when donations are mounted.
func (h *Handler) impactNames() []string {
	names := slices.Clone(shop.ImpactFigures)
	if h.Donations != nil {
		names = append(names, donationsFigure)
	}
	return names
}

func (h *Handler) impactSettings(ctx context.Context) (map[string]bool, error) {
	on := map[string]bool{}
	for _, name := range h.impactNames() {
		v, err := h.Catalog.Setting(ctx, shop.ImpactSetting(name))
		if err != nil {
			return nil, err
		}
		on[name] = v == "1"
	}
	return on, nil
}

// saveImpact stores every switch (a box left unticked turns its figure off) and audits
// what changed, in one transaction.
func (h *Handler) saveImpact(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	f := kit.ReadForm(c, h.impactNames()...)
	before, err := h.impactSettings(ctx)
	if err != nil {
		return err
	}
	after := map[string]bool{}
	for _, name := range h.impactNames() {
		after[name] = f.Checked(name)
	}
	err = db.InTx(ctx, h.AuditLog, func(tx *sqlx.Tx) error {
		for _, name := range h.impactNames() {
			v := ""
			if after[name] {
				v = "1"
			}
			if err := catalog.SetSetting(ctx, tx, shop.ImpactSetting(name), v); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor(c), Action: "settings.impact", Entity: "site_settings",
			EntityID: "impact", Summary: "public impact figures", Before: before, After: after})
	})
	if err != nil {
		return fmt.Errorf("save impact settings: %w", err)
	}
	h.SetFlash(c, "ok", "statements.impact.saved")
	kit.Redirect(c, withLang(c, impactPath))
	return nil
}
