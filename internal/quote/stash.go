package quote

// Files kept across a request form that failed for other reasons: the company should
// not have to pick its logo again because the deadline was in the past. Stash checks and
// stores the files as Request would (same rules, same content-addressed keys under
// quotes/); the form carries what Stash returned (the web side signs it); Keep turns it
// back into an upload Request attaches without its bytes.

import (
	"context"
	"fmt"
	"regexp"

	"github.com/libres/storefront/internal/apperr"
)

// Kept is a reference file Stash checked and stored.
type Kept struct {
	Key         string `json:"k"`
	Name        string `json:"n"`
	ContentType string `json:"t"`
	Size        int64  `json:"s"`
}

// Stash applies the file rules to each upload and stores the ones that pass. It returns
// them, and field errors "files.N" (N the upload's index) for the refused ones.
func (s *Service) Stash(ctx context.Context, ups []Upload) ([]Kept, map[string]string, error) {
	kept := make([]Kept, 0, len(ups))
	fe := map[string]string{}
	for i, u := range ups {
		files, err := checkFiles([]Upload{u})
		if err != nil {
			fe[fmt.Sprintf("files.%d", i)] = apperr.FieldsOf(err)["files.0"]
			continue
		}
		if err := s.putFiles(ctx, files); err != nil {
			return nil, nil, err
		}
		f := files[0]
		kept = append(kept, Kept{Key: f.Key, Name: f.Name, ContentType: f.ContentType, Size: f.Size})
	}
	return kept, fe, nil
}

// stashKey is the shape of the keys checkFiles makes.
var stashKey = regexp.MustCompile(`^quotes/[0-9a-f]{64}\.(png|jpg|pdf)$`)

var stashTypes = map[string]string{"png": "image/png", "jpg": "image/jpeg", "pdf": "application/pdf"}

// Keep turns a file Stash stored into an upload for Request. The key must be one Stash
// makes, of the type its extension says, and still stored; anything else is not found.
func (s *Service) Keep(ctx context.Context, k Kept) (Upload, error) {
	m := stashKey.FindStringSubmatch(k.Key)
	if m == nil || stashTypes[m[1]] != k.ContentType || k.Size < 1 || k.Size > MaxFileSize {
		return Upload{}, apperr.Wrap(fmt.Errorf("kept file %q: not a stashed file", k.Key), apperr.NotFound, "")
	}
	ok, err := s.files.Exists(ctx, k.Key)
	if err != nil {
		return Upload{}, fmt.Errorf("kept file %s: %w", k.Key, err)
	}
	if !ok {
		return Upload{}, apperr.Wrap(fmt.Errorf("kept file %s: no longer stored", k.Key), apperr.NotFound, "")
	}
	name := fileName(k.Name, "."+m[1])
	return Upload{Name: name, kept: &File{Key: k.Key, Name: name, ContentType: k.ContentType, Size: k.Size}}, nil
}
