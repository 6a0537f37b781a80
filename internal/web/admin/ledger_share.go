package admin

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/internal/web/studio"
)

// ShareView is /admin/workshops/:id/share: the workshop's revenue share (its fund's
// part of net sales) with its history, and the form to set a new one from a date.
type ShareView struct {
	Nav                 Nav
	WorkshopID          int64
	Name                string
	Current             string // the share in force now
	Default             bool   // none recorded: the store's default applies
	History             []ShareRow
	Form                *kit.Form
	Action, WorkshopURL string
	LedgerURL           string
}

// ShareRow is a recorded share.
type ShareRow struct {
	Rate, From, By, At string
	InForce            bool
}

var shareFields = []string{"percent", "from"}

func (h *Handler) shareForm(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := kit.EmptyForm()
	f.Values["from"] = h.Ledger.Options().Now().In(ledger.Bogota).Format(time.DateOnly)
	return h.renderShare(c, lang, http.StatusOK, id, f)
}

func (h *Handler) setShare(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, shareFields...)
	var from time.Time
	if d, ok := day(f.V("from")); ok {
		from = d
	}
	err = h.Ledger.SetShare(c.Request.Context(), actor(c), id, parsePercent(f.V("percent")), from)
	if err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			if key, ok := f.Errors["bps"]; ok {
				delete(f.Errors, "bps")
				f.Errors["percent"] = key
			}
			h.localiseFieldErrors(f, "statements.share.invalid.")
			return h.renderShare(c, lang, status, id, f)
		}
		return err
	}
	h.SetFlash(c, "ok", "statements.share.saved")
	kit.Redirect(c, withLang(c, "/admin/workshops/"+itoa(id)+"/share"))
	return nil
}

func (h *Handler) renderShare(c *gin.Context, lang string, status int, id int64, f *kit.Form) error {
	ctx := c.Request.Context()
	w, err := h.Catalog.WorkshopByID(ctx, id)
	if err != nil {
		return err
	}
	shares, err := h.Ledger.Shares(ctx, id)
	if err != nil {
		return err
	}
	now := h.Ledger.Options().Now()
	v := ShareView{Nav: h.ledgerNav(c, lang, "/admin/workshops"), WorkshopID: id, Name: w.Name, Form: f,
		Action: withLang(c, "/admin/workshops/"+itoa(id)+"/share"), WorkshopURL: withLang(c, "/admin/workshops/"+itoa(id)),
		LedgerURL: withLang(c, ledgerPath)}
	inForce := false
	for _, s := range shares { // newest first: the first that has begun is in force
		r := ShareRow{Rate: studio.Percent(s.Bps, lang), From: s.EffectiveFrom.In(ledger.Bogota).Format(time.DateOnly),
			By: s.CreatedBy, At: localTime(s.CreatedAt)}
		if !inForce && !s.EffectiveFrom.After(now) {
			r.InForce, inForce = true, true
			v.Current = r.Rate
		}
		v.History = append(v.History, r)
	}
	if !inForce {
		v.Current, v.Default = studio.Percent(h.Ledger.Options().DefaultShareBps, lang), true
	}
	p := h.page(c, lang, "statements.share.title", w.Name)
	p.Data = v
	return h.Render(c, status, "admin/ledger_share", p)
}

// parsePercent reads a percentage as typed ("60", "60,5", "60.5 %") into basis points;
// -1 when it is not a number with at most two decimals (the ledger refuses it).
func parsePercent(s string) int {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	s = strings.ReplaceAll(s, ",", ".")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 3 || len(frac) > 2 {
		return -1
	}
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 {
		return -1
	}
	f := 0
	if frac != "" {
		if f, err = strconv.Atoi(frac); err != nil || f < 0 {
			return -1
		}
		if len(frac) == 1 {
			f *= 10
		}
	}
	return w*100 + f
}
