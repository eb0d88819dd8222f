package wire

// Input is a generated operation input: it decodes itself from the form.
type Input interface {
	Decode(d *Decoder)
}

// Output is a generated operation output: it encodes its members as XML.
// HasResult is false for operations whose model has no output shape; their
// response still carries a ResponseMetadata envelope.
type Output interface {
	EncodeXML(w *XMLWriter)
	HasResult() bool
}
