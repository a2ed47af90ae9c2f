package pbjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// want is protojson's output for m without whitespace.
func want(t testing.TB, m proto.Message) string {
	t.Helper()
	b, err := protojson.Marshal(m)
	if err != nil {
		t.Fatalf("protojson: %v", err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// check asserts that Append writes protojson's bytes for m, and that they
// read back as m.
func check(t *testing.T, m proto.Message) {
	t.Helper()
	got, err := Append([]byte("prefix"), m)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	if !bytes.HasPrefix(got, []byte("prefix")) {
		t.Fatalf("Append lost what dst held: %q", got)
	}
	got = got[len("prefix"):]
	if w := want(t, m); string(got) != w {
		t.Fatalf("%s:\n got %s\nwant %s", m.ProtoReflect().Descriptor().FullName(), got, w)
	}
	back := m.ProtoReflect().New().Interface()
	if err := protojson.Unmarshal(got, back); err != nil {
		t.Fatalf("read back: %v", err)
	}
	if !proto.Equal(back, m) {
		t.Fatalf("read back another message:\n got %v\nwant %v", back, m)
	}
}

// apiMessages are the message types of the certsvc API.
func apiMessages(t *testing.T) []protoreflect.MessageType {
	var out []protoreflect.MessageType
	protoregistry.GlobalTypes.RangeMessages(func(mt protoreflect.MessageType) bool {
		if strings.HasPrefix(string(mt.Descriptor().FullName()), "certsvc.") {
			out = append(out, mt)
		}
		return true
	})
	if len(out) < 50 {
		t.Fatalf("found %d API message types", len(out))
	}
	return out
}

// TestEveryAPIMessage writes every message type of the API, filled at random
// many times over (every field, lists, maps, nested messages, timestamps,
// enums known and unknown, strings that need escaping), and compares the
// bytes with protojson's.
func TestEveryAPIMessage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, mt := range apiMessages(t) {
		t.Run(string(mt.Descriptor().Name()), func(t *testing.T) {
			check(t, mt.New().Interface()) // empty
			for range 40 {
				m := mt.New()
				fill(r, m, 0)
				check(t, m.Interface())
			}
		})
	}
}

// fill sets each field of m at random, about two in three of them.
func fill(r *rand.Rand, m protoreflect.Message, depth int) {
	fds := m.Descriptor().Fields()
	for i := range fds.Len() {
		fd := fds.Get(i)
		if r.IntN(3) == 0 || (fd.Message() != nil && depth > 3) {
			continue
		}
		switch {
		case fd.IsList():
			l := m.Mutable(fd).List()
			for range r.IntN(4) {
				if fd.Message() != nil {
					l.Append(message(r, l.NewElement().Message(), depth))
				} else {
					l.Append(scalar(r, fd))
				}
			}
		case fd.IsMap():
			mp := m.Mutable(fd).Map()
			for range r.IntN(4) {
				k := scalar(r, fd.MapKey()).MapKey()
				if fd.MapValue().Message() != nil {
					mp.Set(k, message(r, mp.NewValue().Message(), depth))
				} else {
					mp.Set(k, scalar(r, fd.MapValue()))
				}
			}
		case fd.Message() != nil:
			m.Set(fd, message(r, m.NewField(fd).Message(), depth))
		default:
			m.Set(fd, scalar(r, fd))
		}
	}
}

func message(r *rand.Rand, m protoreflect.Message, depth int) protoreflect.Value {
	switch m.Interface().(type) {
	case *timestamppb.Timestamp:
		ts := timestamppb.New(time.Unix(r.Int64N(maxTimestampSeconds-minTimestampSeconds)+minTimestampSeconds, 0))
		ts.Nanos = []int32{0, 5_000_000, 5_000, 5, int32(r.IntN(1e9))}[r.IntN(5)]
		return protoreflect.ValueOfMessage(ts.ProtoReflect())
	case *durationpb.Duration:
		return protoreflect.ValueOfMessage(durationpb.New(time.Duration(r.Int64())).ProtoReflect())
	case *fieldmaskpb.FieldMask:
		return protoreflect.ValueOfMessage((&fieldmaskpb.FieldMask{Paths: []string{"common_name", "auto_renew"}}).ProtoReflect())
	}
	fill(r, m, depth+1)
	return protoreflect.ValueOfMessage(m)
}

// texts are strings that test the escaping: quotes, backslashes, control
// characters, HTML, non-ASCII and the line separators.
var texts = []string{"", "plain", `a "quoted" \ path`, "tab\tnew\nline\r\x00\x01\x1f\x7f", "<b>&amp;</b>",
	"Привет, мир", "日本語", "\u2028\u2029", "emoji 🙂", "host0000001.example.com"}

func scalar(r *rand.Rand, fd protoreflect.FieldDescriptor) protoreflect.Value {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(r.IntN(2) == 0)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(texts[r.IntN(len(texts))])
	case protoreflect.BytesKind:
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return protoreflect.ValueOfBytes(b)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32([]int32{0, 1, -1, math.MaxInt32, math.MinInt32, r.Int32()}[r.IntN(6)])
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32([]uint32{0, 1, math.MaxUint32, r.Uint32()}[r.IntN(4)])
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64([]int64{0, 1, -1, math.MaxInt64, math.MinInt64, r.Int64()}[r.IntN(6)])
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64([]uint64{0, 1, math.MaxUint64, r.Uint64()}[r.IntN(4)])
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(float32(r.NormFloat64()))
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(r.NormFloat64())
	case protoreflect.EnumKind:
		vals := fd.Enum().Values()
		if r.IntN(8) == 0 {
			return protoreflect.ValueOfEnum(protoreflect.EnumNumber(1000 + r.IntN(10))) // unknown: a number
		}
		return protoreflect.ValueOfEnum(vals.Get(r.IntN(vals.Len())).Number())
	}
	panic(fmt.Sprintf("kind %v", fd.Kind()))
}

// TestWellKnownAndNumbers covers what the API's messages do not hold: the
// other well-known types (left to protojson) and floating-point numbers.
func TestWellKnownAndNumbers(t *testing.T) {
	st, _ := structpb.NewStruct(map[string]any{"b": 1.5, "a": []any{"x", nil, true}})
	for _, m := range []proto.Message{
		st, durationpb.New(1500 * time.Millisecond), wrapperspb.String("x"), &fieldmaskpb.FieldMask{Paths: []string{"a_b"}},
		timestamppb.New(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)), timestamppb.New(time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC)),
		timestamppb.New(time.Date(2026, 12, 7, 1, 2, 3, 40_000_000, time.UTC)),
		structpb.NewNumberValue(1e21), structpb.NewNumberValue(1e-7), structpb.NewNumberValue(123456.789),
		wrapperspb.Float(1e-7), wrapperspb.Float(3.4e38), wrapperspb.Double(-0.0),
	} {
		check(t, m)
	}
}

// TestRefusals: what protojson refuses, Append refuses with protojson's
// error.
func TestRefusals(t *testing.T) {
	for _, m := range []proto.Message{
		&certsvcv1.Certificate{CommonName: "bad\xffutf8"},
		&certsvcv1.Certificate{Id: 1, NotAfter: &timestamppb.Timestamp{Seconds: maxTimestampSeconds + 1}},
		&certsvcv1.Certificate{Id: 1, NotAfter: &timestamppb.Timestamp{Nanos: -1}},
	} {
		_, werr := protojson.Marshal(m)
		if werr == nil {
			t.Fatalf("protojson wrote %v", m)
		}
		got, err := Marshal(m)
		if err == nil || err.Error() != werr.Error() {
			t.Fatalf("Marshal(%v) = %q, %v; want protojson's error %v", m, got, err, werr)
		}
	}
	if got, err := Marshal(nil); err != nil || string(got) != "{}" {
		t.Fatalf("Marshal(nil) = %q, %v", got, err)
	}
}

// listingPage is a ListCertificates answer of 50 rows as an issued
// certificate's row reads.
func listingPage() *certsvcv1.ListCertificatesResponse {
	res := &certsvcv1.ListCertificatesResponse{NextPageToken: "eyJpIjo5OTk5NTEsImYiOiIifQ"}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 50 {
		res.Certificates = append(res.Certificates, &certsvcv1.Certificate{
			Id: int64(999_950 + i), AccountId: 12, PlanId: 3033, PeriodMonths: 12,
			State: certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED, LegacyStatus: &certsvcv1.LegacyStatus{ItemStatus: 2, ItemStatusName: "active", ServiceStatus: 5, ServiceStatusName: "issued"},
			CommonName: fmt.Sprintf("host%07d.example.com", 999_950+i), ExtraNames: []string{fmt.Sprintf("www.host%07d.example.com", i)},
			Subject:  &certsvcv1.Subject{CommonName: fmt.Sprintf("host%07d.example.com", 999_950+i)},
			Currency: "RUB", CostMinor: 81_000, HasPrivateKey: true, KeyAlgorithm: "ECDSA-P256", SerialNumber: "4f1c9a0b7e",
			ProcessingModuleId: 1, AllowedActions: []string{"download", "reissue", "renew", "revoke"},
			CreateTime: timestamppb.New(at.Add(time.Duration(i) * time.Second)), UpdateTime: timestamppb.New(at.Add(time.Duration(i) * time.Minute)),
			NotBefore: timestamppb.New(at), NotAfter: timestamppb.New(at.AddDate(1, 0, i)),
		})
	}
	return res
}

func TestListingPage(t *testing.T) { check(t, listingPage()) }

// BenchmarkAppend writes a 50-row listing page with this package and with
// protojson (as Connect's own codec does):
//
//	go test -run - -bench Append -benchmem ./internal/pbjson/
func BenchmarkAppend(b *testing.B) {
	page := listingPage()
	b.Run("pbjson", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf, _ = Append(buf[:0], page)
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("protojson", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf, _ = protojson.MarshalOptions{}.MarshalAppend(buf[:0], page)
		}
		b.SetBytes(int64(len(buf)))
	})
}

// TestMapKeyOrder: maps keyed by numbers and booleans, which the API does
// not have, are written in protojson's key order (a message made at run
// time: map<int32, string>, map<bool, string>, map<uint64, string>).
func TestMapKeyOrder(t *testing.T) {
	entry := func(name string, key descriptorpb.FieldDescriptorProto_Type) *descriptorpb.DescriptorProto {
		return &descriptorpb.DescriptorProto{Name: proto.String(name), Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
			Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("key"), Number: proto.Int32(1), Type: key.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), JsonName: proto.String("key")},
				{Name: proto.String("value"), Number: proto.Int32(2), Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), JsonName: proto.String("value")},
			}}
	}
	field := func(name string, n int32, entry string) *descriptorpb.FieldDescriptorProto {
		return &descriptorpb.FieldDescriptorProto{Name: proto.String(name), Number: proto.Int32(n), JsonName: proto.String(name),
			Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum(), TypeName: proto.String(".maps.M." + entry)}
	}
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{Name: proto.String("maps.proto"), Package: proto.String("maps"), Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("M"),
			Field:      []*descriptorpb.FieldDescriptorProto{field("ints", 1, "IntsEntry"), field("bools", 2, "BoolsEntry"), field("big", 3, "BigEntry")},
			NestedType: []*descriptorpb.DescriptorProto{entry("IntsEntry", descriptorpb.FieldDescriptorProto_TYPE_INT32), entry("BoolsEntry", descriptorpb.FieldDescriptorProto_TYPE_BOOL), entry("BigEntry", descriptorpb.FieldDescriptorProto_TYPE_UINT64)},
		}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(fd.Messages().ByName("M"))
	fds := m.Descriptor().Fields()
	ints, bools, big := m.Mutable(fds.ByName("ints")).Map(), m.Mutable(fds.ByName("bools")).Map(), m.Mutable(fds.ByName("big")).Map()
	for _, k := range []int32{10, -3, 2, 0, math.MinInt32} {
		ints.Set(protoreflect.ValueOfInt32(k).MapKey(), protoreflect.ValueOfString(fmt.Sprint(k)))
	}
	bools.Set(protoreflect.ValueOfBool(true).MapKey(), protoreflect.ValueOfString("yes"))
	bools.Set(protoreflect.ValueOfBool(false).MapKey(), protoreflect.ValueOfString("no"))
	for _, k := range []uint64{math.MaxUint64, 9, 10} {
		big.Set(protoreflect.ValueOfUint64(k).MapKey(), protoreflect.ValueOfString("v"))
	}
	got, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	const w = `{"ints":{"-2147483648":"-2147483648","-3":"-3","0":"0","2":"2","10":"10"},"bools":{"false":"no","true":"yes"},"big":{"9":"v","10":"v","18446744073709551615":"v"}}`
	if string(got) != w || string(got) != want(t, m) {
		t.Fatalf("got  %s\nwant %s\nprotojson %s", got, w, want(t, m))
	}
}
