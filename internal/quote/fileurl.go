package quote

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/media"
)

// FileLinkTTL is how long a link to a quote's file works: long enough to open it, short
// enough that a forwarded link soon stops working.
const FileLinkTTL = 5 * time.Minute

// FileURL is a short-lived link to a file (reference or proof) of a company's quote
// (companyID 0: staff); another company's file is not found.
func (s *Service) FileURL(ctx context.Context, companyID, fileID int64) (string, error) {
	var f File
	const sel = `SELECT f.id, f.quote_id, f.object_key, f.name, f.content_type, f.size_bytes, f.created_at, f.kind, f.version
		FROM quote_files f JOIN quotes q ON q.id = f.quote_id WHERE f.id = $1 AND ($2 = 0 OR q.company_id = $2)`
	if err := sqlx.GetContext(ctx, s.db, &f, sel, fileID, companyID); err != nil {
		return "", fmt.Errorf("quote file %d: %w", fileID, db.Translate(err))
	}
	sg, ok := s.files.(media.Signer)
	if !ok {
		return "", fmt.Errorf("quote file %d: the file store %T cannot sign links", fileID, s.files)
	}
	return sg.SignedURL(ctx, f.Key, f.Name, FileLinkTTL)
}
