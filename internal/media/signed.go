package media

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// Signer gives short-lived links to private objects (a company's logo files, proofs):
// whoever holds the link may read that one object until it expires, nobody else. The
// caller checks who may see the object before asking for a link.
type Signer interface {
	// SignedURL is a link to key valid for ttl; the browser saves or shows it as name.
	SignedURL(ctx context.Context, key, name string, ttl time.Duration) (string, error)
}

// MaxSignedTTL bounds a link's life.
const MaxSignedTTL = time.Hour

// privateTypes are the only types private files are served as; anything else is bytes.
var privateTypes = map[string]string{
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".pdf":  "application/pdf",
}

// disposition is a Content-Disposition that shows images and PDFs in the browser under
// their own name; anything else is downloaded.
func disposition(key, name string) (contentType, value string) {
	ct, ok := privateTypes[strings.ToLower(path.Ext(key))]
	kind := "inline"
	if !ok {
		ct, kind = "application/octet-stream", "attachment"
	}
	if name == "" {
		name = path.Base(key)
	}
	v := mime.FormatMediaType(kind, map[string]string{"filename": name})
	if v == "" { // a name mime cannot quote
		v = kind
	}
	return ct, v
}

func checkTTL(ttl time.Duration) error {
	if ttl <= 0 || ttl > MaxSignedTTL {
		return fmt.Errorf("signed url: ttl %s not in (0, %s]", ttl, MaxSignedTTL)
	}
	return nil
}

// SignedURL presigns a GET of key on the S3 server (the browser fetches the object from
// the server directly, which checks the signature and expiry).
func (s *S3Store) SignedURL(ctx context.Context, key, name string, ttl time.Duration) (string, error) {
	if err := validateKey(key); err != nil {
		return "", err
	}
	if err := checkTTL(ttl); err != nil {
		return "", err
	}
	ct, disp := disposition(key, name)
	params := url.Values{"response-content-disposition": {disp}, "response-content-type": {ct}}
	u, err := s.client.PresignedGetObject(ctx, s.bucket, key, ttl, params)
	if err != nil {
		return "", fmt.Errorf("s3 store: presign %s: %w", key, err)
	}
	return u.String(), nil
}

// PrivatePath is where the app mounts PrivateHandler when files are on local disk.
const PrivatePath = "/files"

// SetSigningKey sets the key of the disk store's signed links (at least 32 bytes); by
// default each process draws its own, so links last only as long as the process and
// only that process honours them.
func (d *DiskStore) SetSigningKey(k []byte) error {
	if len(k) < 32 {
		return fmt.Errorf("disk store: signing key must be at least 32 bytes")
	}
	d.signKey = append([]byte(nil), k...)
	return nil
}

func (d *DiskStore) key() []byte {
	d.once.Do(func() {
		if d.signKey == nil {
			d.signKey = make([]byte, 32)
			_, _ = rand.Read(d.signKey)
		}
	})
	return d.signKey
}

func (d *DiskStore) sign(key, name string, exp int64) string {
	m := hmac.New(sha256.New, d.key())
	fmt.Fprintf(m, "%s\x00%s\x00%d", key, name, exp)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// SignedURL is a link to PrivatePath/key that PrivateHandler honours until it expires.
func (d *DiskStore) SignedURL(ctx context.Context, key, name string, ttl time.Duration) (string, error) {
	if err := validateKey(key); err != nil {
		return "", err
	}
	if err := checkTTL(ttl); err != nil {
		return "", err
	}
	exp := time.Now().Add(ttl).Unix()
	q := url.Values{"e": {strconv.FormatInt(exp, 10)}, "n": {name}, "s": {d.sign(key, name, exp)}}
	return PrivatePath + "/" + key + "?" + q.Encode(), nil
}

// PrivateHandler serves private files by signed link only (mount it at PrivatePath with
// the prefix stripped): a missing, wrong or expired signature is 404, like a missing
// file, so links reveal nothing.
func (d *DiskStore) PrivateHandler() http.Handler {
	return d.serve(func(req *http.Request, key string) (http.Header, bool) {
		q := req.URL.Query()
		exp, err := strconv.ParseInt(q.Get("e"), 10, 64)
		if err != nil || time.Now().Unix() > exp || !hmac.Equal([]byte(q.Get("s")), []byte(d.sign(key, q.Get("n"), exp))) {
			return nil, false
		}
		ct, disp := disposition(key, q.Get("n"))
		return http.Header{"Content-Type": {ct}, "Content-Disposition": {disp}, "Cache-Control": {"private, no-store"},
			"Referrer-Policy": {"no-referrer"}}, true
	})
}

var (
	_ Signer = (*S3Store)(nil)
	_ Signer = (*DiskStore)(nil)
)
