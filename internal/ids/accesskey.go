package ids

import (
	"encoding/base32"
	"fmt"
	"io"
	"strconv"
)

// accountMask selects the 40 bits of a key id's first six bytes that hold
// the account number (the top bit and the low seven are random).
const accountMask = 0x7fffffffff80

// AccessKeyID returns prefix (AKIA or ASIA) followed by 16 base32
// characters that carry the account number the way AWS's access key ids
// do: the account is bits 7–46 of the first six decoded bytes, so
// AccountOfAccessKeyID (and anyone's decoder) reads it back. The other
// bits are random.
func AccessKeyID(r io.Reader, prefix, account string) (string, error) {
	n, err := strconv.ParseUint(account, 10, 64)
	if err != nil || len(account) != 12 {
		return "", fmt.Errorf("ids: account %q is not 12 digits", account)
	}
	var b [10]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("ids: random source: %w", err)
	}
	var head uint64
	for _, c := range b[:6] {
		head = head<<8 | uint64(c)
	}
	head = head&^accountMask | n<<7&accountMask
	for i := 5; i >= 0; i-- {
		b[i] = byte(head)
		head >>= 8
	}
	return prefix + base32.StdEncoding.EncodeToString(b[:]), nil
}

// AccountOfAccessKeyID reads the account number out of an access key id
// (AKIA… or ASIA…, 20 characters), as STS GetAccessKeyInfo does.
func AccountOfAccessKeyID(id string) (string, bool) {
	if len(id) != 20 || (id[:4] != "AKIA" && id[:4] != "ASIA") {
		return "", false
	}
	b, err := base32.StdEncoding.DecodeString(id[4:])
	if err != nil {
		return "", false
	}
	var head uint64
	for _, c := range b[:6] {
		head = head<<8 | uint64(c)
	}
	return fmt.Sprintf("%012d", head&accountMask>>7), true
}
