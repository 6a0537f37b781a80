package quote

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

const quoteCols = `id, number, company_id, requested_by, status, deadline, delivery_city, notes,
	status_reason, valid_until, created_at, updated_at, accepted_version, accepted_by, accepted_at,
	proof_approved_at, reminded_at, delivered_at, delivery_note`

// Request records a company user's quote request with its lines and files in one
// transaction. The user must belong to companyID and the company must be approved.
// Files are stored before the transaction: a failed request may leave unreferenced
// objects under quotes/, never a row without its object.
func (s *Service) Request(ctx context.Context, companyID, userID int64, f RequestForm, ups []Upload) (Quote, error) {
	deadline, lines, err := f.parse()
	fe := apperr.FieldsOf(err)
	if err != nil && fe == nil {
		return Quote{}, err
	}
	if fe == nil {
		fe = map[string]string{}
	}
	if err == nil && !deadline.After(s.today()) {
		fe["deadline"] = "quote.deadline_past"
	}
	files, ferr := checkFiles(ups)
	for k, v := range apperr.FieldsOf(ferr) {
		fe[k] = v
	}
	if len(fe) > 0 {
		return Quote{}, apperr.Fields(fe)
	}
	if err := s.checkCompany(ctx, s.db, companyID, userID); err != nil {
		return Quote{}, err
	}
	if err := s.putFiles(ctx, files); err != nil {
		return Quote{}, err
	}
	var q Quote
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		// Again inside the transaction, locking the company row: an approval withdrawn
		// meanwhile is seen.
		if err := s.checkCompany(ctx, tx, companyID, userID); err != nil {
			return err
		}
		const ins = `INSERT INTO quotes (number, company_id, requested_by, deadline, delivery_city, notes)
			VALUES ('COT-' || to_char($1::timestamptz AT TIME ZONE 'America/Bogota', 'YYYY') || '-' ||
				lpad(nextval('quote_number_seq')::text, 5, '0'), $2, $3, $4, $5, $6)
			RETURNING ` + quoteCols
		if err := sqlx.GetContext(ctx, tx, &q, ins, s.now(), companyID, userID, deadline,
			clean(f.DeliveryCity), strings.TrimSpace(plainText(f.Notes))); err != nil {
			return fmt.Errorf("insert quote for company %d: %w", companyID, db.Translate(err))
		}
		const insLine = `INSERT INTO quote_lines (quote_id, line_no, garment, fabric, colour,
			qty_xs, qty_s, qty_m, qty_l, qty_xl, qty_xxl, quantity, customisation, position)
			VALUES (:quote_id, :line_no, :garment, :fabric, :colour, :qty_xs, :qty_s, :qty_m, :qty_l,
				:qty_xl, :qty_xxl, :quantity, :customisation, :position)`
		for i := range lines {
			lines[i].QuoteID = q.ID
			if _, err := sqlx.NamedExecContext(ctx, tx, insLine, lines[i]); err != nil {
				return fmt.Errorf("insert line %d of quote %s: %w", lines[i].LineNo, q.Number, db.Translate(err))
			}
		}
		q.Lines = lines
		q.Files = make([]File, 0, len(files))
		const insFile = `INSERT INTO quote_files (quote_id, object_key, name, content_type, size_bytes)
			VALUES ($1, $2, $3, $4, $5) RETURNING id, quote_id, object_key, name, content_type, size_bytes, created_at`
		for _, cf := range files {
			var fl File
			if err := sqlx.GetContext(ctx, tx, &fl, insFile, q.ID, cf.Key, cf.Name, cf.ContentType, cf.Size); err != nil {
				return fmt.Errorf("insert file of quote %s: %w", q.Number, db.Translate(err))
			}
			q.Files = append(q.Files, fl)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: audit.Actor{ID: userID}, Action: "quote.request",
			Entity: "quote", EntityID: strconv.FormatInt(q.ID, 10), Summary: q.Number, After: q})
	})
	if err != nil {
		return Quote{}, err
	}
	return q, nil
}

// checkCompany refuses a user who is not one of the company's people (not found: the
// company is not theirs to name) and a company that is not approved.
func (s *Service) checkCompany(ctx context.Context, q db.Querier, companyID, userID int64) error {
	var status string
	lock := ""
	if _, ok := q.(*sqlx.Tx); ok {
		lock = " FOR SHARE OF c"
	}
	sel := `SELECT c.status FROM companies c JOIN users u ON u.company_id = c.id
		WHERE c.id = $1 AND u.id = $2 AND u.disabled_at IS NULL` + lock
	if err := sqlx.GetContext(ctx, q, &status, sel, companyID, userID); err != nil {
		return fmt.Errorf("company %d of user %d: %w", companyID, userID, db.Translate(err))
	}
	switch status {
	case CompanyApproved:
		return nil
	case CompanyRejected:
		return apperr.New(apperr.Forbidden, "quote.company_rejected")
	default:
		return apperr.New(apperr.Forbidden, "quote.company_pending")
	}
}

// Get returns a company's quote with its lines, files and versions; another company's
// quote is not found.
func (s *Service) Get(ctx context.Context, companyID, id int64) (Quote, error) {
	return s.load(ctx, s.db, id, companyID, false)
}

// GetForStaff returns any quote with its lines, files and versions.
func (s *Service) GetForStaff(ctx context.Context, id int64) (Quote, error) {
	return s.load(ctx, s.db, id, 0, false)
}

// List returns a company's quotes, newest first (without lines).
func (s *Service) List(ctx context.Context, companyID int64) ([]Quote, error) {
	qs := []Quote{}
	sel := `SELECT ` + quoteCols + ` FROM quotes WHERE company_id = $1 ORDER BY created_at DESC, id DESC`
	if err := sqlx.SelectContext(ctx, s.db, &qs, sel, companyID); err != nil {
		return nil, fmt.Errorf("quotes of company %d: %w", companyID, db.Translate(err))
	}
	return qs, nil
}

// File returns a file of a company's quote (for a download handler); another company's
// file is not found.
func (s *Service) File(ctx context.Context, companyID, fileID int64) (File, error) {
	var f File
	const sel = `SELECT f.id, f.quote_id, f.object_key, f.name, f.content_type, f.size_bytes, f.created_at,
			f.kind, f.version
		FROM quote_files f JOIN quotes q ON q.id = f.quote_id WHERE f.id = $1 AND q.company_id = $2`
	if err := sqlx.GetContext(ctx, s.db, &f, sel, fileID, companyID); err != nil {
		return File{}, fmt.Errorf("quote file %d: %w", fileID, db.Translate(err))
	}
	return f, nil
}

// load reads a quote; companyID 0 is staff (no scope); lock takes the row FOR UPDATE.
func (s *Service) load(ctx context.Context, q db.Querier, id, companyID int64, lock bool) (Quote, error) {
	sel := `SELECT ` + quoteCols + ` FROM quotes WHERE id = $1 AND ($2 = 0 OR company_id = $2)`
	if lock {
		sel += ` FOR UPDATE`
	}
	var qt Quote
	if err := sqlx.GetContext(ctx, q, &qt, sel, id, companyID); err != nil {
		return Quote{}, fmt.Errorf("quote %d: %w", id, db.Translate(err))
	}
	qt.Lines = []Line{}
	if err := sqlx.SelectContext(ctx, q, &qt.Lines, `SELECT quote_id, line_no, garment, fabric, colour, qty_xs, qty_s, qty_m, qty_l, qty_xl, qty_xxl, quantity,
		customisation, position FROM quote_lines WHERE quote_id = $1 ORDER BY line_no`, id); err != nil {
		return Quote{}, fmt.Errorf("lines of quote %d: %w", id, db.Translate(err))
	}
	qt.Files = []File{}
	const selFiles = `SELECT id, quote_id, object_key, name, content_type, size_bytes, created_at, kind, version
		FROM quote_files WHERE quote_id = $1 ORDER BY id`
	if err := sqlx.SelectContext(ctx, q, &qt.Files, selFiles, id); err != nil {
		return Quote{}, fmt.Errorf("files of quote %d: %w", id, db.Translate(err))
	}
	vs, err := versions(ctx, q, id)
	if err != nil {
		return Quote{}, err
	}
	var ws []struct {
		Assignment
		Version int `db:"version"`
	}
	const selWs = `SELECT qw.version, qw.workshop_id, w.name AS workshop_name, w.slug AS workshop_slug, w.active AS workshop_active, qw.work_bps
		FROM quote_workshops qw JOIN workshops w ON w.id = qw.workshop_id
		WHERE qw.quote_id = $1 ORDER BY qw.version, qw.work_bps DESC, w.name`
	if err := sqlx.SelectContext(ctx, q, &ws, selWs, id); err != nil {
		return Quote{}, fmt.Errorf("workshops of quote %d: %w", id, db.Translate(err))
	}
	for i := range vs {
		vs[i].Workshops = []Assignment{}
		for _, w := range ws {
			if w.Version == vs[i].Version {
				vs[i].Workshops = append(vs[i].Workshops, w.Assignment)
			}
		}
		for j, f := range qt.Files {
			if f.Kind == FileProof && f.Version != nil && *f.Version == vs[i].Version {
				vs[i].Proof = &qt.Files[j]
			}
		}
	}
	qt.Versions = vs
	return qt, nil
}

// latest is the quote's newest version, or nil before a price.
func (q Quote) latest() *Version {
	if len(q.Versions) == 0 {
		return nil
	}
	return &q.Versions[len(q.Versions)-1]
}

// current is the accepted version, or else the latest (nil before a price).
func (q Quote) current() *Version {
	if q.AcceptedVersion != nil {
		for i := range q.Versions {
			if q.Versions[i].Version == *q.AcceptedVersion {
				return &q.Versions[i]
			}
		}
	}
	return q.latest()
}
