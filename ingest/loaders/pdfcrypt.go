package loaders

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"hash"
)

// Many PDFs, Chinese government and company documents especially, are encrypted only to restrict
// printing or copying: the user password is empty, and any viewer opens them. This file opens
// those with the standard security handler (RC4 40-128 bit, AES-128, AES-256). A PDF that needs
// a password to open still fails with ErrEncrypted.

// pdfPasswordPad pads passwords to 32 bytes (the standard security handler's constant).
var pdfPasswordPad = []byte{
	0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e, 0x56, 0xff, 0xfa, 0x01, 0x08,
	0x2e, 0x2e, 0x00, 0xb6, 0xd0, 0x68, 0x3e, 0x80, 0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a,
}

// pdfCrypt decrypts the strings and streams of an encrypted file.
type pdfCrypt struct {
	key        []byte
	revision   int
	stm, str   cryptMethod
	encryptNum int // the /Encrypt dictionary's object, which is never encrypted
}

type cryptMethod int

const (
	cryptNone cryptMethod = iota
	cryptRC4
	cryptAES // AES-128 with per-object keys, or AES-256 with the file key
)

// newPDFCrypt sets up decryption with the empty user password, or fails with ErrEncrypted.
func newPDFCrypt(f *pdfFile) (*pdfCrypt, error) {
	encRef, _ := f.trailer["Encrypt"].(pdfRef)
	enc := f.dict(f.trailer["Encrypt"])
	if enc == nil || enc["Filter"] != pdfName("Standard") {
		return nil, fmt.Errorf("pdf is encrypted with a non-standard handler: %w", ErrEncrypted)
	}
	v, _ := enc["V"].(int)
	r, _ := enc["R"].(int)
	o, _ := enc["O"].(string)
	u, _ := enc["U"].(string)
	c := &pdfCrypt{revision: r, encryptNum: encRef.num}
	if encRef == (pdfRef{}) {
		c.encryptNum = -1
	}
	switch {
	case v == 1 || v == 2:
		c.stm, c.str = cryptRC4, cryptRC4
	case v == 4 || v == 5:
		c.stm = cryptFilterMethod(f, enc, "StmF")
		c.str = cryptFilterMethod(f, enc, "StrF")
	default:
		return nil, fmt.Errorf("pdf encryption V%d: %w", v, ErrEncrypted)
	}
	var ok bool
	if r >= 5 {
		ue, _ := enc["UE"].(string)
		c.key, ok = aes256Key([]byte(u), []byte(ue), r)
	} else {
		c.key, ok = rc4FileKey(f, enc, []byte(o), []byte(u), r)
	}
	if !ok {
		return nil, fmt.Errorf("pdf needs a password to open: %w", ErrEncrypted)
	}
	return c, nil
}

// cryptFilterMethod reads which cipher a V4/V5 crypt filter (/StmF or /StrF) names.
func cryptFilterMethod(f *pdfFile, enc pdfDict, which string) cryptMethod {
	name, _ := enc[pdfName(which)].(pdfName)
	if name == "" || name == "Identity" {
		return cryptNone
	}
	switch f.dict(f.dict(enc["CF"])[name])["CFM"] {
	case pdfName("AESV2"), pdfName("AESV3"):
		return cryptAES
	case pdfName("V2"):
		return cryptRC4
	}
	return cryptNone
}

// rc4FileKey computes the file key for revisions 2-4 from the empty user password and checks it
// against /U.
func rc4FileKey(f *pdfFile, enc pdfDict, o, u []byte, r int) ([]byte, bool) {
	n := 5
	if r >= 3 {
		if bits, ok := enc["Length"].(int); ok && bits >= 40 && bits <= 128 && bits%8 == 0 {
			n = bits / 8
		} else {
			n = 16
		}
	}
	if len(o) < 32 || len(u) < 16 {
		return nil, false
	}
	var id []byte
	if ids := f.array(f.trailer["ID"]); len(ids) > 0 {
		s, _ := ids[0].(string)
		id = []byte(s)
	}
	p, _ := enc["P"].(int)
	h := md5.New()
	h.Write(pdfPasswordPad)
	h.Write(o[:32])
	_ = binary.Write(h, binary.LittleEndian, int32(p))
	h.Write(id)
	if r >= 4 && enc["EncryptMetadata"] == false {
		h.Write([]byte{0xff, 0xff, 0xff, 0xff})
	}
	key := h.Sum(nil)[:n]
	if r >= 3 {
		for range 50 {
			sum := md5.Sum(key[:n])
			key = sum[:n]
		}
	}
	// Check the key by encrypting the padding the way /U was made.
	var check []byte
	if r == 2 {
		check = rc4Apply(key, pdfPasswordPad)
		return key, bytes.Equal(check, u[:32])
	}
	sum := md5.Sum(append(append([]byte(nil), pdfPasswordPad...), id...))
	check = rc4Apply(key, sum[:])
	for i := 1; i <= 19; i++ {
		k := make([]byte, len(key))
		for j := range key {
			k[j] = key[j] ^ byte(i)
		}
		check = rc4Apply(k, check)
	}
	return key, bytes.Equal(check, u[:16])
}

// aes256Key derives the AES-256 file key (revisions 5 and 6) for the empty user password.
func aes256Key(u, ue []byte, r int) ([]byte, bool) {
	if len(u) < 48 || len(ue) < 32 {
		return nil, false
	}
	hashFn := pdfHashR6
	if r == 5 {
		hashFn = func(pw, salt, _ []byte) []byte {
			h := sha256.Sum256(append(append([]byte(nil), pw...), salt...))
			return h[:]
		}
	}
	if !bytes.Equal(hashFn(nil, u[32:40], nil), u[:32]) {
		return nil, false
	}
	block, err := aes.NewCipher(hashFn(nil, u[40:48], nil))
	if err != nil {
		return nil, false
	}
	key := make([]byte, 32)
	cipher.NewCBCDecrypter(block, make([]byte, aes.BlockSize)).CryptBlocks(key, ue[:32])
	return key, true
}

// pdfHashR6 is the iterated hash of revision 6 (ISO 32000-2, algorithm 2.B).
func pdfHashR6(pw, salt, udata []byte) []byte {
	first := sha256.Sum256(append(append(append([]byte(nil), pw...), salt...), udata...))
	k := first[:]
	for i := 0; ; i++ {
		seq := append(append(append([]byte(nil), pw...), k...), udata...)
		k1 := bytes.Repeat(seq, 64)
		block, _ := aes.NewCipher(k[:16]) // 16 bytes: cannot fail
		e := make([]byte, len(k1))
		cipher.NewCBCEncrypter(block, k[16:32]).CryptBlocks(e, k1)
		sum := 0
		for _, b := range e[:16] {
			sum += int(b)
		}
		var h hash.Hash
		switch sum % 3 {
		case 0:
			h = sha256.New()
		case 1:
			h = sha512.New384()
		default:
			h = sha512.New()
		}
		h.Write(e)
		k = h.Sum(nil)
		if i >= 63 && int(e[len(e)-1]) <= i-31 {
			break
		}
	}
	return k[:32]
}

func rc4Apply(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		return nil
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// decrypt decrypts one string or stream of object num, generation gen.
func (c *pdfCrypt) decrypt(m cryptMethod, num, gen int, data []byte) []byte {
	if m == cryptNone || num == c.encryptNum {
		return data
	}
	key := c.key
	if c.revision < 5 {
		// Revisions 2-4 derive a key per object (algorithm 1).
		h := md5.New()
		h.Write(c.key)
		h.Write([]byte{byte(num), byte(num >> 8), byte(num >> 16), byte(gen), byte(gen >> 8)})
		if m == cryptAES {
			h.Write([]byte("sAlT"))
		}
		key = h.Sum(nil)[:min(len(c.key)+5, 16)]
	}
	if m == cryptRC4 {
		return rc4Apply(key, data)
	}
	if len(data) < 2*aes.BlockSize || len(data)%aes.BlockSize != 0 {
		return nil // too short to hold an IV and a block, or not whole blocks: unreadable
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil
	}
	out := make([]byte, len(data)-aes.BlockSize)
	cipher.NewCBCDecrypter(block, data[:aes.BlockSize]).CryptBlocks(out, data[aes.BlockSize:])
	if pad := int(out[len(out)-1]); pad >= 1 && pad <= aes.BlockSize && pad <= len(out) {
		out = out[:len(out)-pad]
	}
	return out
}

// decryptStrings decrypts every string inside an object read from the file.
func (c *pdfCrypt) decryptStrings(v any, num, gen, depth int) any {
	if depth > maxPDFNesting {
		return v
	}
	switch t := v.(type) {
	case string:
		return string(c.decrypt(c.str, num, gen, []byte(t)))
	case pdfArray:
		for i := range t {
			t[i] = c.decryptStrings(t[i], num, gen, depth+1)
		}
	case pdfDict:
		for k, e := range t {
			t[k] = c.decryptStrings(e, num, gen, depth+1)
		}
	}
	return v
}
