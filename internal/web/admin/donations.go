package admin

// Gifts to the foundation (package donation): the list with its filters and CSV, a
// gift's page with staff's actions (mark a transfer received, refund) and the donation
// certificate a donor asks for at tax time (PDF).

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/internal/web/pdf"
)

const (
	donationsPath    = "/admin/donations"
	donationsPerPage = 50
)

func (h *Handler) donationRoutes(r gin.IRouter) {
	r.GET("/donations", h.HandlePrivate(h.donationList))
	r.GET("/donations.csv", h.HandlePrivate(h.donationsCSV))
	r.GET("/donations/:id", h.HandlePrivate(h.donationShow))
	r.GET("/donations/:id/certificate.pdf", h.HandlePrivate(h.donationCertificate))
	r.POST("/donations/:id/received", h.HandlePrivate(h.donationReceived))
	r.POST("/donations/:id/refund", h.HandlePrivate(h.donationRefund))
}

// DonationListView is /admin/donations: filters and one page of gifts, newest first.
type DonationListView struct {
	Nav               Nav
	Q, From, To       string
	Statuses, Methods []Choice
	Errors            map[string]string
	Rows              []DonationRow
	CSVURL, Action    string
	Pager
}

// DonationRow is a gift in the list or on its page.
type DonationRow struct {
	ID                    int64
	Number, URL, Created  string
	Name, Email, Document string
	Status, StatusClass   string
	Method, Amount        string
	Anonymous             bool
	Received, Refunded    string
	PaymentRef, RefundRef string
	CanReceive, CanRefund bool
	CertificateURL        string
	Base                  string // the gift's path, where its forms post
	Card                  bool
}

// DonationView is a gift's page with its action forms.
type DonationView struct {
	Nav      Nav
	D        DonationRow
	Form     *kit.Form
	FormName string // "received" or "refund": the form f belongs to
	Back     string
}

type donationQuery struct {
	donation.Filter
	FromS, ToS string
	Errors     map[string]string
}

// readDonationQuery reads status, method, from and to (Bogotá days, "to" included) and
// q (number, name or email); a date that is not one is a field error and no filter.
func readDonationQuery(c *gin.Context) donationQuery {
	q := donationQuery{Errors: map[string]string{}, FromS: clip(c.Query("from")), ToS: clip(c.Query("to"))}
	q.Q = clip(c.Query("q"))
	if s := donation.Status(c.Query("status")); s.Valid() {
		q.Status = s
	}
	if m := payment.Method(c.Query("method")); slices.Contains(donation.Methods, m) {
		q.Method = m
	}
	if d, ok := day(q.FromS); ok {
		q.From = d
	} else if q.FromS != "" {
		q.Errors["from"] = "admin.audit.date_invalid"
	}
	if d, ok := day(q.ToS); ok {
		q.To = d.AddDate(0, 0, 1)
	} else if q.ToS != "" {
		q.Errors["to"] = "admin.audit.date_invalid"
	}
	return q
}

func (h *Handler) donationList(c *gin.Context, lang string) error {
	q := readDonationQuery(c)
	page := pageParam(c)
	f := q.Filter
	f.Page, f.PerPage = page, donationsPerPage
	ds, total, err := h.Donations.List(c.Request.Context(), f)
	if err != nil {
		return err
	}
	v := DonationListView{Nav: h.nav(c, lang, donationsPath), Q: q.Q, From: q.FromS, To: q.ToS, Errors: q.Errors,
		Action: donationsPath, CSVURL: kit.WithQuery(donationsPath+".csv", csvQuery(c))}
	v.Pager = pager(donationsPath, c.Request.URL.Query(), page, donationsPerPage, total)
	for _, s := range donation.Statuses {
		v.Statuses = append(v.Statuses, Choice{Value: string(s), Label: h.T(lang, "donate.status."+string(s)), Selected: s == q.Status})
	}
	for _, m := range donation.Methods {
		v.Methods = append(v.Methods, Choice{Value: string(m), Label: h.T(lang, "adminorders.method."+string(m)), Selected: m == q.Method})
	}
	for _, d := range ds {
		v.Rows = append(v.Rows, h.donationRow(c, lang, d))
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	p := h.page(c, lang, "admindonations.title")
	p.Data = v
	return h.Render(c, status, "admin/donations", p)
}

func (h *Handler) donationRow(c *gin.Context, lang string, d donation.Donation) DonationRow {
	r := DonationRow{ID: d.ID, Number: d.Number, URL: withLang(c, donationsPath+"/"+itoa(d.ID)), Created: localTime(d.CreatedAt),
		Name: d.Name, Email: d.Email, Status: h.T(lang, "donate.status."+string(d.Status)),
		Method: h.T(lang, "adminorders.method."+string(d.Method)), Amount: donation.Amount(d, lang), Anonymous: d.Anonymous,
		Received: localTimeP(d.ReceivedAt), Refunded: localTimeP(d.RefundedAt), PaymentRef: d.PaymentRef, RefundRef: d.RefundRef,
		CanReceive: d.Status == donation.StatusPending && d.Method == payment.MethodTransfer,
		CanRefund:  d.Status == donation.StatusReceived, Base: donationsPath + "/" + itoa(d.ID),
		Card: d.Method == payment.MethodCard}
	if d.DocNumber != "" {
		r.Document = d.DocType + " " + d.DocNumber
	}
	switch d.Status {
	case donation.StatusPending:
		r.StatusClass = "status-pending"
	case donation.StatusReceived:
		r.StatusClass = "status-ok"
	default:
		r.StatusClass = "status-disabled"
	}
	if d.Certifiable() {
		r.CertificateURL = withLang(c, donationsPath+"/"+itoa(d.ID)+"/certificate.pdf")
	}
	return r
}

// donationsCSV downloads the filtered gifts (donation.WriteCSV: formula cells neutralised).
func (h *Handler) donationsCSV(c *gin.Context, lang string) error {
	q := readDonationQuery(c)
	if len(q.Errors) > 0 {
		return kit.ErrBadRequest
	}
	var buf bytes.Buffer
	if err := h.Donations.WriteCSV(c.Request.Context(), q.Filter, &buf); err != nil {
		return err
	}
	sendCSV(c, "libres-donaciones-"+time.Now().In(bogota).Format("2006-01-02")+".csv", buf.Bytes())
	return nil
}

func (h *Handler) donationShow(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	return h.renderDonation(c, lang, http.StatusOK, id, "", kit.EmptyForm())
}

func (h *Handler) renderDonation(c *gin.Context, lang string, status int, id int64, form string, f *kit.Form) error {
	d, err := h.Donations.Get(c.Request.Context(), id)
	if err != nil {
		return err
	}
	p := h.page(c, lang, "admindonations.show.title", d.Number)
	p.Data = DonationView{Nav: h.nav(c, lang, donationsPath), D: h.donationRow(c, lang, d), Form: f, FormName: form,
		Back: withLang(c, donationsPath)}
	return h.Render(c, status, "admin/donations_show", p)
}

func (h *Handler) donationReceived(c *gin.Context, lang string) error {
	return h.donationAction(c, lang, "received", "admindonations.received.done", func(id int64, ref string) error {
		_, err := h.Donations.MarkReceived(c.Request.Context(), actor(c), id, ref)
		return err
	})
}

func (h *Handler) donationRefund(c *gin.Context, lang string) error {
	return h.donationAction(c, lang, "refund", "admindonations.refund.done", func(id int64, ref string) error {
		_, err := h.Donations.Refund(c.Request.Context(), actor(c), id, ref)
		return err
	})
}

// donationAction runs one of staff's actions and goes back to the gift's page; a refusal
// re-renders it with the form's input and the reason.
func (h *Handler) donationAction(c *gin.Context, lang, form, okKey string, do func(id int64, ref string) error) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, "reference")
	if err := do(id, f.V("reference")); err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderDonation(c, lang, status, id, form, f)
		}
		return err
	}
	h.SetFlash(c, "ok", okKey)
	kit.Redirect(c, withLang(c, donationsPath+"/"+itoa(id)))
	return nil
}

// donationCertificate is the donation certificate of a received gift whose donor gave a
// document: the foundation (seller config), the donor, the document, the amount, the
// date received and the number.
func (h *Handler) donationCertificate(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.Donations.Get(c.Request.Context(), id)
	if err != nil {
		return err
	}
	if !d.Certifiable() {
		return apperr.New(apperr.Conflict, "admindonations.certificate.unavailable")
	}
	s := h.Seller
	received := d.ReceivedAt.In(bogota).Format("2006-01-02")
	doc := pdf.Document{Title: h.T(lang, "admindonations.certificate.title"), Subtitle: s.Name + " — NIT " + s.NIT,
		Meta: []pdf.Field{{Label: h.T(lang, "admindonations.certificate.number"), Value: d.Number},
			{Label: h.T(lang, "admindonations.certificate.issued"), Value: time.Now().In(bogota).Format("2006-01-02")}},
		Sections: []pdf.Section{
			{Heading: h.T(lang, "admindonations.certificate.foundation"), Fields: []pdf.Field{
				{Label: h.T(lang, "admindonations.certificate.name"), Value: s.Name}, {Label: "NIT", Value: s.NIT},
				{Label: h.T(lang, "admindonations.certificate.address"), Value: s.Address},
				{Label: h.T(lang, "admindonations.certificate.email"), Value: s.Email}}},
			{Heading: h.T(lang, "admindonations.certificate.donor"), Fields: []pdf.Field{
				{Label: h.T(lang, "admindonations.certificate.name"), Value: d.Name},
				{Label: h.T(lang, "admindonations.certificate.document"), Value: d.DocType + " " + d.DocNumber}}},
			{Heading: h.T(lang, "admindonations.certificate.gift"), Fields: []pdf.Field{
				{Label: h.T(lang, "admindonations.certificate.amount"), Value: donation.Amount(d, lang)},
				{Label: h.T(lang, "admindonations.certificate.words"), Value: donation.Words(d.AmountMinor/100, lang)},
				{Label: h.T(lang, "admindonations.certificate.method"), Value: h.T(lang, "adminorders.method."+string(d.Method))},
				{Label: h.T(lang, "admindonations.certificate.date"), Value: received}}},
		},
		Note:      h.T(lang, "admindonations.certificate.note", s.Name, d.Name, donation.Amount(d, lang), received),
		Signature: h.T(lang, "admindonations.certificate.signature", s.Name),
		Footer:    s.Name + " — NIT " + s.NIT, PageFmt: h.T(lang, "admindonations.certificate.page"),
		Created: time.Now(), Lang: lang, Author: s.Name}
	var buf bytes.Buffer
	if err := pdf.Write(&buf, doc); err != nil {
		return err
	}
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Disposition", `inline; filename="certificado-`+strings.ToLower(d.Number)+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
	return nil
}
