package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/audit"
)

const auditPerPage = 50

// AuditView is /admin/audit: who changed what, newest first.
type AuditView struct {
	Nav                             Nav
	Actor, Action, Entity, EntityID string
	From, To                        string // YYYY-MM-DD, Bogotá days
	Workshops                       []Choice
	Rows                            []AuditRow
	Errors                          map[string]string // filter field -> message key
	FormAction, Lang                string
	Pager
}

// AuditRow is one recorded change.
type AuditRow struct {
	At, Actor, Action, Entity, EntityID string
	Workshop, Summary                   string
	Before, After                       string // indented JSON, "" when none
}

var errNoAuditLog = errors.New("admin: no audit log database configured (Handler.AuditLog)")

func (h *Handler) auditLog(c *gin.Context, lang string) error {
	if h.AuditLog == nil {
		return errNoAuditLog
	}
	ctx := c.Request.Context()
	v := AuditView{Nav: h.nav(c, lang, "/admin/audit"), Actor: clip(c.Query("actor")), Action: clip(c.Query("action")),
		Entity: clip(c.Query("entity")), EntityID: clip(c.Query("entity_id")), From: c.Query("from"), To: c.Query("to"),
		Errors: map[string]string{}, FormAction: "/admin/audit", Lang: c.Query("lang")}
	if v.Lang != "es" && v.Lang != "en" {
		v.Lang = ""
	}
	f := audit.Filter{ActorEmail: v.Actor, Action: v.Action, Entity: v.Entity, EntityID: v.EntityID,
		WorkshopID: parseID(c.Query("workshop")), Page: pageParam(c), PerPage: auditPerPage}
	if d, ok := day(v.From); ok {
		f.Since = d
	} else if v.From != "" {
		v.Errors["from"] = "admin.audit.date_invalid"
	}
	if d, ok := day(v.To); ok {
		f.Until = d.AddDate(0, 0, 1) // the whole "to" day
	} else if v.To != "" {
		v.Errors["to"] = "admin.audit.date_invalid"
	}
	rows, total, err := audit.List(ctx, h.AuditLog, f)
	if err != nil {
		return err
	}
	ws, err := h.Editor.ListWorkshopsAdmin(ctx, true)
	if err != nil {
		return err
	}
	wsNames := map[int64]string{}
	for _, w := range ws {
		wsNames[w.ID] = w.Name
		v.Workshops = append(v.Workshops, Choice{Value: itoa(w.ID), Label: w.Name, Selected: w.ID == f.WorkshopID})
	}
	v.Pager = pager("/admin/audit", c.Request.URL.Query(), f.Page, auditPerPage, total)
	for _, r := range rows {
		ar := AuditRow{At: localTime(r.At), Actor: r.ActorEmail, Action: r.Action, Entity: r.Entity, EntityID: r.EntityID,
			Summary: r.Summary, Before: indentJSON(r.Before), After: indentJSON(r.After)}
		if ar.Actor == "" {
			ar.Actor = h.T(lang, "admin.audit.system")
		}
		if r.WorkshopID != nil {
			ar.Workshop = wsNames[*r.WorkshopID]
		}
		v.Rows = append(v.Rows, ar)
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	p := h.page(c, lang, "admin.audit.title")
	p.Data = v
	return h.Render(c, status, "admin/audit", p)
}

// day parses a YYYY-MM-DD date as the start of that day in Bogotá.
func day(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(time.DateOnly, s, bogota)
	return t, err == nil
}

// clip bounds a filter's text: it only narrows a query.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200])
	}
	return s
}

func indentJSON(s *string) string {
	if s == nil || *s == "" || *s == "null" {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(*s), "", "  "); err != nil {
		return *s
	}
	return buf.String()
}
