// Command gen generates the typed Query-protocol shapes of one AWS service
// (input structs with decoders and constraint checks, output structs with
// XML encoders) from a botocore service model (service-2.json[.gz]).
//
// Usage: go run ./internal/wire/gen -model .../iam/2010-05-08/service-2.json.gz -pkg iamwire -out internal/wire/iamwire/zz_generated.go
//
// Only shapes, names and constraints are read from the model; its
// documentation is not copied.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"regexp"
	"sort"
	"strings"
)

type ref struct {
	Shape         string `json:"shape"`
	ResultWrapper string `json:"resultWrapper"`
}

type shape struct {
	Type      string         `json:"type"`
	Required  []string       `json:"required"`
	Members   map[string]ref `json:"members"`
	Member    *ref           `json:"member"`
	Key       *ref           `json:"key"`
	Value     *ref           `json:"value"`
	Min       *float64       `json:"min"`
	Max       *float64       `json:"max"`
	Pattern   string         `json:"pattern"`
	Enum      []string       `json:"enum"`
	Sensitive bool           `json:"sensitive"`
	Exception bool           `json:"exception"`
	raw       json.RawMessage
	order     []string
}

type operation struct {
	Name   string `json:"name"`
	Input  *ref   `json:"input"`
	Output *ref   `json:"output"`
	// AuthType "none": AWS serves the operation unsigned.
	AuthType string `json:"authtype"`
}

type model struct {
	Metadata   map[string]any             `json:"metadata"`
	Operations map[string]operation       `json:"operations"`
	Shapes     map[string]json.RawMessage `json:"shapes"`
}

type gen struct {
	shapes   map[string]*shape
	typeName map[string]string // structure shape -> Go type
	inputs   map[string]bool   // structure shapes needing decode
	outputs  map[string]bool   // structure shapes needing encode
	strs     map[string]bool   // string shapes with constraints used by inputs
	ints     map[string]bool
	lists    map[string]bool
	emitted  map[string]bool
	style    string // Go expression of the service's wire.Style
	buf      bytes.Buffer
}

func main() {
	modelPath := flag.String("model", "", "botocore service-2.json(.gz)")
	pkg := flag.String("pkg", "", "package name")
	out := flag.String("out", "", "output file")
	omitValues := flag.Bool("omit-values", false, "violations leave the offending value out (wire.Style.OmitValues)")
	summarizeLists := flag.Bool("summarize-lists", false, "list-of-string members are reported once per list (wire.Style.SummarizeListMembers)")
	flag.Parse()
	raw, err := readModel(*modelPath)
	if err != nil {
		log.Fatal(err)
	}
	var m model
	if err := json.Unmarshal(raw, &m); err != nil {
		log.Fatal(err)
	}
	g := &gen{shapes: map[string]*shape{}, typeName: map[string]string{}, inputs: map[string]bool{}, outputs: map[string]bool{}, strs: map[string]bool{}, ints: map[string]bool{}, lists: map[string]bool{}, emitted: map[string]bool{}}
	for name, r := range m.Shapes {
		s := &shape{}
		if err := json.Unmarshal(r, s); err != nil {
			log.Fatal(err)
		}
		s.order = memberOrder(r)
		g.shapes[name] = s
	}
	ops := make([]string, 0, len(m.Operations))
	for name := range m.Operations {
		ops = append(ops, name)
	}
	sort.Strings(ops)
	uses := map[string]int{}
	for _, op := range ops {
		o := m.Operations[op]
		if o.Input != nil {
			uses[o.Input.Shape]++
		}
		if o.Output != nil {
			uses[o.Output.Shape]++
		}
	}
	for _, op := range ops {
		o := m.Operations[op]
		if o.Input != nil {
			if uses[o.Input.Shape] == 1 {
				g.typeName[o.Input.Shape] = op + "Input"
			}
			g.walk(o.Input.Shape, true)
		}
		if o.Output != nil {
			if uses[o.Output.Shape] == 1 {
				g.typeName[o.Output.Shape] = op + "Output"
			}
			g.walk(o.Output.Shape, false)
		}
	}
	for name, s := range g.shapes {
		if s.Type == "structure" && g.typeName[name] == "" {
			g.typeName[name] = exported(name)
		}
	}
	g.style = fmt.Sprintf("wire.Style{OmitValues: %v, SummarizeListMembers: %v}", *omitValues, *summarizeLists)
	g.emit(*pkg, ops, m)
	src, err := format.Source(g.buf.Bytes())
	if err != nil {
		os.WriteFile(*out, g.buf.Bytes(), 0o644)
		log.Fatalf("format: %v", err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

func readModel(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	return io.ReadAll(r)
}

// memberOrder returns structure member names in model order.
func memberOrder(raw json.RawMessage) []string {
	var probe struct {
		Members json.RawMessage `json:"members"`
	}
	if json.Unmarshal(raw, &probe) != nil || len(probe.Members) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(probe.Members))
	var names []string
	dec.Token() // {
	for dec.More() {
		t, _ := dec.Token()
		names = append(names, t.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	return names
}

func (g *gen) walk(name string, input bool) {
	s := g.shapes[name]
	switch s.Type {
	case "structure":
		set := g.outputs
		if input {
			set = g.inputs
		}
		if set[name] {
			return
		}
		set[name] = true
		for _, m := range s.order {
			g.walk(s.Members[m].Shape, input)
		}
	case "list":
		if input {
			g.lists[name] = true
		}
		g.walk(s.Member.Shape, input)
	case "map":
		g.walk(s.Key.Shape, input)
		g.walk(s.Value.Shape, input)
	case "string":
		if input {
			g.strs[name] = true
		}
	case "integer", "long":
		if input {
			g.ints[name] = true
		}
	}
}

func exported(s string) string {
	return strings.ToUpper(s[:1]) + s[1:]
}

func lowerFirst(s string) string {
	return strings.ToLower(s[:1]) + s[1:]
}

func varName(kind, shapeName string) string { return kind + exported(shapeName) }

func (g *gen) p(format string, args ...any) {
	fmt.Fprintf(&g.buf, format, args...)
	g.buf.WriteByte('\n')
}

// goType is the Go type of a member; required members of scalars are values.
func (g *gen) goType(shapeName string, required bool) string {
	s := g.shapes[shapeName]
	ptr := "*"
	if required {
		ptr = ""
	}
	switch s.Type {
	case "string":
		return ptr + "string"
	case "integer", "long":
		return ptr + "int32"
	case "boolean":
		return ptr + "bool"
	case "timestamp":
		return ptr + "time.Time"
	case "blob":
		return "[]byte"
	case "list":
		return "[]" + g.goType(s.Member.Shape, true)
	case "map":
		return "map[string]" + g.goType(s.Value.Shape, true)
	case "structure":
		return ptr + g.typeName[shapeName]
	}
	log.Fatalf("unsupported type %s", s.Type)
	return ""
}

func isRequired(s *shape, m string) bool {
	for _, r := range s.Required {
		if r == m {
			return true
		}
	}
	return false
}

// rePattern turns a Java model pattern into an anchored RE2 pattern.
func rePattern(name, p string) string {
	switch name {
	case "accountAliasType": // uses a look-ahead; the "--" rule is checked apart
		p = `[a-z0-9][a-z0-9-]{1,61}[a-z0-9]`
	}
	p = strings.ReplaceAll(p, `\u10000-\u10FFFF`, `\x{10000}-\x{10FFFF}`)
	p = regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`).ReplaceAllString(p, `\x{$1}`)
	p = strings.TrimPrefix(p, "^")
	p = strings.TrimSuffix(p, "$")
	re := "^(?:" + p + ")$"
	if _, err := regexp.Compile(re); err != nil {
		log.Fatalf("pattern %s: %v", name, err)
	}
	return re
}

func (g *gen) emit(pkg string, ops []string, m model) {
	g.p("// Code generated by internal/wire/gen from the %s service model; DO NOT EDIT.", m.Metadata["serviceId"])
	g.p("")
	g.p("package %s", pkg)
	g.p("")
	g.p("import (")
	g.p(`"regexp"`)
	g.p(`"time"`)
	g.p("")
	g.p(`"github.com/iamd/iamd/internal/wire"`)
	g.p(")")
	g.p("")
	g.p("var _ = time.Time{}")
	g.p("var _ = regexp.MustCompile")
	g.p("")
	g.p("// Namespace is the XML namespace of the service's responses.")
	g.p("const Namespace = %q", m.Metadata["xmlNamespace"])
	g.p("// Version is the API version.")
	g.p("const Version = %q", m.Metadata["apiVersion"])
	g.p("")
	g.p("// style is how the service words its validation errors.")
	g.p("var style = %s", g.style)
	g.p("")
	g.p("// Operations lists every operation of the service model.")
	g.p("var Operations = []string{")
	for _, op := range ops {
		g.p("%q,", op)
	}
	g.p("}")
	g.p("")
	g.p("// UnsignedOperations lists the operations AWS serves without a signature.")
	g.p("var UnsignedOperations = []string{")
	for _, op := range ops {
		if m.Operations[op].AuthType == "none" {
			g.p("%q,", op)
		}
	}
	g.p("}")
	g.p("")
	// constraint vars
	for _, n := range sorted(g.strs) {
		s := g.shapes[n]
		if s.Min == nil && s.Max == nil && s.Pattern == "" && len(s.Enum) == 0 && !s.Sensitive {
			continue
		}
		var parts []string
		if s.Min != nil {
			parts = append(parts, fmt.Sprintf("Min: %d, HasMin: true", int(*s.Min)))
		}
		if s.Max != nil {
			parts = append(parts, fmt.Sprintf("Max: %d", int(*s.Max)))
		}
		if s.Pattern != "" {
			parts = append(parts, fmt.Sprintf("Pattern: regexp.MustCompile(%q), PatternSrc: %q", rePattern(n, s.Pattern), s.Pattern))
		}
		if len(s.Enum) > 0 {
			parts = append(parts, fmt.Sprintf("Enum: %#v", s.Enum))
		}
		if s.Sensitive {
			parts = append(parts, "Sensitive: true")
		}
		g.p("var %s = &wire.StringShape{%s}", varName("str", n), strings.Join(parts, ", "))
	}
	unpatterned := map[string]bool{}
	for m := range servicePatternMembers {
		st, mem, _ := strings.Cut(m, ".")
		if sh := g.shapes[st]; sh != nil && g.inputs[st] {
			unpatterned[sh.Members[mem].Shape] = true
		}
	}
	for _, n := range sorted(unpatterned) {
		s := g.shapes[n]
		var parts []string
		if s.Min != nil {
			parts = append(parts, fmt.Sprintf("Min: %d, HasMin: true", int(*s.Min)))
		}
		if s.Max != nil {
			parts = append(parts, fmt.Sprintf("Max: %d", int(*s.Max)))
		}
		g.p("// %s is %s without its pattern, which the service checks.", varName("str", n)+"Unpatterned", n)
		g.p("var %s = &wire.StringShape{%s}", varName("str", n)+"Unpatterned", strings.Join(parts, ", "))
	}
	for _, n := range sorted(g.ints) {
		s := g.shapes[n]
		var parts []string
		if s.Min != nil {
			parts = append(parts, fmt.Sprintf("Min: %d, HasMin: true", int64(*s.Min)))
		}
		if s.Max != nil {
			parts = append(parts, fmt.Sprintf("Max: %d, HasMax: true", int64(*s.Max)))
		}
		if len(parts) == 0 {
			continue
		}
		g.p("var %s = &wire.IntShape{%s}", varName("int", n), strings.Join(parts, ", "))
	}
	for _, n := range sorted(g.lists) {
		s := g.shapes[n]
		var parts []string
		if s.Min != nil {
			parts = append(parts, fmt.Sprintf("Min: %d, HasMin: true", int(*s.Min)))
		}
		if s.Max != nil {
			parts = append(parts, fmt.Sprintf("Max: %d", int(*s.Max)))
		}
		if listMemberNotNull[n] {
			parts = append(parts, "MemberNotNull: true")
		}
		if len(parts) == 0 {
			continue
		}
		g.p("var %s = &wire.ListShape{%s}", varName("list", n), strings.Join(parts, ", "))
	}
	g.p("")
	// types
	structs := map[string]bool{}
	for n := range g.inputs {
		structs[n] = true
	}
	for n := range g.outputs {
		structs[n] = true
	}
	for _, n := range sorted(structs) {
		s := g.shapes[n]
		if s.Exception {
			continue
		}
		tn := g.typeName[n]
		g.p("// %s is the %s shape.", tn, n)
		g.p("type %s struct {", tn)
		for _, mem := range s.order {
			g.p("%s %s", exported(mem), g.goType(s.Members[mem].Shape, isRequired(s, mem)))
		}
		g.p("}")
		g.p("")
		if g.inputs[n] {
			g.emitDecode(n, s, tn)
		}
		if g.outputs[n] {
			g.emitEncode(n, s, tn)
		}
	}
	// per-operation empties and interface methods
	for _, op := range ops {
		o := m.Operations[op]
		if o.Input == nil {
			g.p("// %sInput is the (empty) input of %s.", op, op)
			g.p("type %sInput struct{}", op)
			g.p("// Decode implements wire.Input.")
			g.p("func (in *%sInput) Decode(d *wire.Decoder) {}", op)
		} else {
			tn := g.typeName[o.Input.Shape]
			if tn != op+"Input" {
				g.p("// %sInput is the input of %s.", op, op)
				g.p("type %sInput = %s", op, tn)
			}
			if !g.emitted[tn] {
				g.emitted[tn] = true
				g.p("// Decode implements wire.Input.")
				g.p("func (in *%s) Decode(d *wire.Decoder) { d.SetStyle(style); in.decode(d, \"\", \"\") }", tn)
			}
		}
		if o.Output == nil {
			g.p("// %sOutput is the (empty) output of %s.", op, op)
			g.p("type %sOutput struct{}", op)
			g.p("// EncodeXML implements wire.Output.")
			g.p("func (o *%sOutput) EncodeXML(w *wire.XMLWriter) {}", op)
			g.p("// HasResult implements wire.Output.")
			g.p("func (o *%sOutput) HasResult() bool { return false }", op)
		} else {
			tn := g.typeName[o.Output.Shape]
			if tn != op+"Output" {
				g.p("// %sOutput is the output of %s.", op, op)
				g.p("type %sOutput = %s", op, tn)
			}
			if !g.emitted[tn] {
				g.emitted[tn] = true
				g.p("// EncodeXML implements wire.Output.")
				g.p("func (o *%s) EncodeXML(w *wire.XMLWriter) { o.encode(w) }", tn)
				g.p("// HasResult implements wire.Output.")
				g.p("func (o *%s) HasResult() bool { return true }", tn)
			}
		}
		g.p("")
	}
}

// servicePatternMembers lists input members whose pattern AWS checks in
// the service rather than in the model's validation, answering with its
// own message (the handler checks them): "The specified value for path is
// invalid. It must begin and end with / ..." (recorded for
// CreateVirtualMFADevice; reported for CreateUser and CreateRole) and "The
// specified value for pathPrefix is invalid. ..." (reported for
// ListPolicies). Their length is still checked here.
var servicePatternMembers = map[string]bool{
	"CreateUserRequest.Path":             true,
	"CreateRoleRequest.Path":             true,
	"CreateVirtualMFADeviceRequest.Path": true,
	"ListPoliciesRequest.PathPrefix":     true,
}

// listMemberNotNull lists the list shapes whose member constraints, as AWS
// names them in a list summary, include "Member must not be null". The
// botocore model does not say which: AWS names it for tag keys (UntagRole,
// UntagPolicy: "[..., Member must not be null]") and not for
// CreateOpenIDConnectProvider's clientIDList and thumbprintList.
var listMemberNotNull = map[string]bool{"tagKeyListType": true}

// omitWhenEmpty lists required output members AWS leaves out when they
// have no value.
var omitWhenEmpty = map[string]bool{"User.UserName": true, "User.Path": true}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (g *gen) strVar(shapeName string) string {
	s := g.shapes[shapeName]
	if s.Min == nil && s.Max == nil && s.Pattern == "" && len(s.Enum) == 0 && !s.Sensitive {
		return "nil"
	}
	return varName("str", shapeName)
}

func (g *gen) intVar(shapeName string) string {
	s := g.shapes[shapeName]
	if s.Min == nil && s.Max == nil {
		return "nil"
	}
	return varName("int", shapeName)
}

func (g *gen) listVar(shapeName string) string {
	s := g.shapes[shapeName]
	if s.Min == nil && s.Max == nil && !listMemberNotNull[shapeName] {
		return "nil"
	}
	return varName("list", shapeName)
}

func (g *gen) emitDecode(n string, s *shape, tn string) {
	g.p("func (v *%s) decode(d *wire.Decoder, prefix, path string) {", tn)
	g.p("_ = d")
	g.p("sep := \"\"")
	g.p("if path != \"\" { sep = \".\" }")
	g.p("_ = sep")
	for _, mem := range s.order {
		ms := s.Members[mem].Shape
		t := g.shapes[ms]
		req := isRequired(s, mem)
		key := fmt.Sprintf("prefix+%q", mem)
		path := fmt.Sprintf("path+sep+%q", lowerFirst(mem))
		f := "v." + exported(mem)
		switch t.Type {
		case "string":
			sv := g.strVar(ms)
			if servicePatternMembers[n+"."+mem] {
				sv = varName("str", ms) + "Unpatterned"
			}
			if req {
				g.p("%s = d.String(%s, %s, %s)", f, key, path, sv)
			} else {
				g.p("%s = d.OptString(%s, %s, %s)", f, key, path, sv)
			}
		case "integer", "long":
			if req {
				g.p("%s = d.Int(%s, %s, %s)", f, key, path, g.intVar(ms))
			} else {
				g.p("%s = d.OptInt(%s, %s, %s)", f, key, path, g.intVar(ms))
			}
		case "boolean":
			if req {
				g.p("%s = d.Bool(%s, %s)", f, key, path)
			} else {
				g.p("%s = d.OptBool(%s, %s)", f, key, path)
			}
		case "blob":
			g.p("%s = d.Blob(%s, %s)", f, key, path)
		case "list":
			el := g.shapes[t.Member.Shape]
			switch el.Type {
			case "string":
				g.p("%s = d.StringList(%s, %s, %v, %s, %s)", f, key, path, req, g.listVar(ms), g.strVar(t.Member.Shape))
			case "structure":
				g.p("if n, ok := d.ListLen(%s, %s, %v, %s); ok {", key, path, req, g.listVar(ms))
				g.p("%s = make([]%s, n)", f, g.typeName[t.Member.Shape])
				g.p("for i := range %s {", f)
				g.p("%s[i].decode(d, wire.MemberKey(%s, i+1)+\".\", wire.MemberPath(%s, i+1))", f, key, path)
				g.p("}")
				g.p("}")
			default:
				log.Fatalf("input list of %s in %s.%s", el.Type, n, mem)
			}
		case "structure":
			if req {
				g.p("%s.decode(d, %s+\".\", %s)", f, key, path)
			} else {
				g.p("if d.HasPrefix(%s+\".\") {", key)
				g.p("%s = new(%s)", f, g.typeName[ms])
				g.p("%s.decode(d, %s+\".\", %s)", f, key, path)
				g.p("}")
			}
		default:
			log.Fatalf("input member type %s in %s.%s", t.Type, n, mem)
		}
	}
	g.p("}")
	g.p("")
}

// encodeValue writes code that encodes expression e (a value, not a pointer)
// of shape shapeName as element name.
func (g *gen) encodeValue(name, e, shapeName string) {
	t := g.shapes[shapeName]
	switch t.Type {
	case "string":
		if shapeName == "policyDocumentType" {
			g.p("w.PolicyDocument(%q, %s)", name, e)
		} else {
			g.p("w.String(%q, %s)", name, e)
		}
	case "integer", "long":
		g.p("w.Int(%q, int64(%s))", name, e)
	case "boolean":
		g.p("w.Bool(%q, %s)", name, e)
	case "timestamp":
		g.p("w.Time(%q, %s)", name, e)
	case "blob":
		g.p("w.Blob(%q, %s)", name, e)
	case "structure":
		g.p("w.Open(%q)", name)
		g.p("%s.encode(w)", e)
		g.p("w.Close(%q)", name)
	case "list":
		g.p("if len(%s) == 0 { w.Empty(%q) } else {", e, name)
		g.p("w.Open(%q)", name)
		g.p("for i := range %s {", e)
		g.encodeValue("member", e+"[i]", t.Member.Shape)
		g.p("}")
		g.p("w.Close(%q)", name)
		g.p("}")
	case "map":
		g.p("w.Open(%q)", name)
		g.p("for _, k := range wire.SortedKeys(%s) {", e)
		g.p("w.Open(\"entry\")")
		g.p("w.String(\"key\", k)")
		g.encodeValue("value", e+"[k]", t.Value.Shape)
		g.p("w.Close(\"entry\")")
		g.p("}")
		g.p("w.Close(%q)", name)
	default:
		log.Fatalf("output type %s", t.Type)
	}
}

func (g *gen) emitEncode(n string, s *shape, tn string) {
	g.p("func (v *%s) encode(w *wire.XMLWriter) {", tn)
	g.p("_ = w")
	for _, mem := range s.order {
		ms := s.Members[mem].Shape
		t := g.shapes[ms]
		req := isRequired(s, mem)
		f := "v." + exported(mem)
		switch {
		case t.Type == "list" || t.Type == "map" || t.Type == "blob":
			if req {
				g.encodeValue(mem, f, ms)
			} else {
				g.p("if %s != nil {", f)
				g.encodeValue(mem, f, ms)
				g.p("}")
			}
		case req && omitWhenEmpty[n+"."+mem]:
			// AWS leaves these out although the model requires them (the
			// root user's GetUser has no UserName or Path).
			g.p("if %s != \"\" {", f)
			g.encodeValue(mem, f, ms)
			g.p("}")
		case req:
			g.encodeValue(mem, f, ms)
		default:
			g.p("if %s != nil {", f)
			g.encodeValue(mem, "(*"+f+")", ms)
			g.p("}")
		}
	}
	g.p("}")
	g.p("")
}
