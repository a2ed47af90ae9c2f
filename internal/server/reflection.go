package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// gRPC server reflection (grpc.reflection.v1 and v1alpha, as grpcurl and
// the other gRPC tools use it), served from the protobuf registry of the
// binary. It replaces connectrpc.com/grpcreflect, whose package init builds
// a descriptor set for the health and reflection services at every start
// (about 0.4 MB of live heap, 0.8 MB of idle RSS: issue 11). The messages
// are read and written with protowire: the reflection protocol has a
// handful of fields and its generated types would bring that init back.
// The gRPC health service's descriptors are not in the binary's registry
// (connectrpc.com/grpchealth registers a stand-in of its own, package
// connectext.grpc.health.v1, with other enum names), so grpc/health/v1/
// health.proto is built here when asked for, as grpcreflect served it and
// `grpcurl ... grpc.health.v1.Health/Check` needs it; the reflection
// service's own descriptors are not served.

const (
	reflectV1      = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
	reflectV1Alpha = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
)

// reflectionHandlers returns the v1 and v1alpha reflection handlers (the
// same messages on two paths) listing services and answering from files
// and extensions, protoregistry.GlobalFiles and GlobalTypes in the server.
func reflectionHandlers(services []string, files *protoregistry.Files, types *protoregistry.Types) map[string]http.Handler {
	r := &reflector{services: services, files: files, types: types}
	hs := map[string]http.Handler{}
	for _, p := range []string{reflectV1, reflectV1Alpha} {
		hs[p] = connect.NewBidiStreamHandler(p, r.serve, connect.WithCodec(rawCodec{}))
	}
	return hs
}

// rawMessage is a message kept encoded; rawCodec moves it as it is under the
// "proto" name, so gRPC and gRPC-Web clients reach the handler.
type rawMessage struct{ b []byte }

type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(*rawMessage)
	if !ok {
		return nil, fmt.Errorf("reflection: cannot marshal %T", v)
	}
	return m.b, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(*rawMessage)
	if !ok {
		return fmt.Errorf("reflection: cannot unmarshal into %T", v)
	}
	m.b = append(m.b[:0], data...)
	return nil
}

type reflector struct {
	services []string
	files    *protoregistry.Files
	types    *protoregistry.Types
}

// The fields of ServerReflectionRequest and ServerReflectionResponse.
const (
	reqHost                      = 1
	reqFileByFilename            = 3
	reqFileContainingSymbol      = 4
	reqFileContainingExtension   = 5
	reqAllExtensionNumbersOfType = 6
	reqListServices              = 7

	resValidHost                   = 1
	resOriginalRequest             = 2
	resFileDescriptorResponse      = 4
	resAllExtensionNumbersResponse = 5
	resListServicesResponse        = 6
	resErrorResponse               = 7
)

func (r *reflector) serve(_ context.Context, stream *connect.BidiStream[rawMessage, rawMessage]) error {
	sent := map[string]bool{} // files already sent on this stream
	for {
		req, err := stream.Receive()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		res, err := r.answer(req.b, sent)
		if err != nil {
			return connect.NewError(connect.CodeInvalidArgument, err)
		}
		if err := stream.Send(&rawMessage{b: res}); err != nil {
			return err
		}
	}
}

// answer reads one ServerReflectionRequest and encodes its response.
func (r *reflector) answer(req []byte, sent map[string]bool) ([]byte, error) {
	var host string
	kind := protowire.Number(0)
	var str string
	var extType string
	var extNum int32
	for b := req; len(b) > 0; {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, fmt.Errorf("reflection request: %w", protowire.ParseError(n))
		}
		b = b[n:]
		switch {
		case typ == protowire.BytesType && (num == reqHost || (num >= reqFileByFilename && num <= reqListServices)):
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return nil, fmt.Errorf("reflection request: %w", protowire.ParseError(m))
			}
			b = b[m:]
			switch num {
			case reqHost:
				host = string(v)
			case reqFileContainingExtension:
				kind = num
				var err error
				if extType, extNum, err = extensionRequest(v); err != nil {
					return nil, err
				}
			default:
				kind, str = num, string(v)
			}
		default:
			m := protowire.ConsumeFieldValue(num, typ, b)
			if m < 0 {
				return nil, fmt.Errorf("reflection request: %w", protowire.ParseError(m))
			}
			b = b[m:]
		}
	}

	var out []byte
	out = protowire.AppendTag(out, resValidHost, protowire.BytesType)
	out = protowire.AppendString(out, host)
	out = protowire.AppendTag(out, resOriginalRequest, protowire.BytesType)
	out = protowire.AppendBytes(out, req)
	var files [][]byte
	var err error
	switch kind {
	case reqFileByFilename:
		var fd protoreflect.FileDescriptor
		alias := false // the health file built here
		fd, err = r.files.FindFileByPath(str)
		if errors.Is(err, protoregistry.NotFound) && str == healthPath {
			alias, err = true, nil
		}
		if err == nil {
			files, err = withDependencies(fd, alias, sent)
		}
	case reqFileContainingSymbol:
		var d protoreflect.Descriptor
		alias := false // the health file built here
		d, err = r.files.FindDescriptorByName(protoreflect.FullName(str))
		if errors.Is(err, protoregistry.NotFound) && healthSymbol(str) {
			alias, err = true, nil
		}
		if err == nil {
			var fd protoreflect.FileDescriptor
			if !alias {
				fd = d.ParentFile()
			}
			files, err = withDependencies(fd, alias, sent)
		}
	case reqFileContainingExtension:
		var xt protoreflect.ExtensionType
		if xt, err = r.types.FindExtensionByNumber(protoreflect.FullName(extType), protoreflect.FieldNumber(extNum)); err == nil {
			files, err = withDependencies(xt.TypeDescriptor().ParentFile(), false, sent)
		}
	case reqAllExtensionNumbersOfType:
		var nums []int32
		r.types.RangeExtensionsByMessage(protoreflect.FullName(str), func(xt protoreflect.ExtensionType) bool {
			nums = append(nums, int32(xt.TypeDescriptor().Number()))
			return true
		})
		if len(nums) == 0 {
			_, err = r.files.FindDescriptorByName(protoreflect.FullName(str))
		}
		if err == nil {
			slices.Sort(nums)
			var m []byte
			m = protowire.AppendTag(m, 1, protowire.BytesType)
			m = protowire.AppendString(m, str)
			for _, n := range nums {
				m = protowire.AppendTag(m, 2, protowire.VarintType)
				m = protowire.AppendVarint(m, uint64(n))
			}
			out = protowire.AppendTag(out, resAllExtensionNumbersResponse, protowire.BytesType)
			return protowire.AppendBytes(out, m), nil
		}
	case reqListServices:
		var m []byte
		for _, s := range r.services {
			var sr []byte
			sr = protowire.AppendTag(sr, 1, protowire.BytesType)
			sr = protowire.AppendString(sr, s)
			m = protowire.AppendTag(m, 1, protowire.BytesType)
			m = protowire.AppendBytes(m, sr)
		}
		out = protowire.AppendTag(out, resListServicesResponse, protowire.BytesType)
		return protowire.AppendBytes(out, m), nil
	default:
		return nil, errors.New("reflection request: no message_request")
	}
	if err != nil {
		var m []byte
		m = protowire.AppendTag(m, 1, protowire.VarintType)
		m = protowire.AppendVarint(m, uint64(connect.CodeNotFound))
		m = protowire.AppendTag(m, 2, protowire.BytesType)
		m = protowire.AppendString(m, err.Error())
		out = protowire.AppendTag(out, resErrorResponse, protowire.BytesType)
		return protowire.AppendBytes(out, m), nil
	}
	var m []byte
	for _, f := range files {
		m = protowire.AppendTag(m, 1, protowire.BytesType)
		m = protowire.AppendBytes(m, f)
	}
	out = protowire.AppendTag(out, resFileDescriptorResponse, protowire.BytesType)
	return protowire.AppendBytes(out, m), nil
}

// extensionRequest reads ExtensionRequest { string containing_type = 1;
// int32 extension_number = 2; }.
func extensionRequest(b []byte) (string, int32, error) {
	var typ string
	var num int32
	for len(b) > 0 {
		n, t, k := protowire.ConsumeTag(b)
		if k < 0 {
			return "", 0, fmt.Errorf("reflection request: %w", protowire.ParseError(k))
		}
		b = b[k:]
		switch {
		case n == 1 && t == protowire.BytesType:
			v, m := protowire.ConsumeString(b)
			if m < 0 {
				return "", 0, fmt.Errorf("reflection request: %w", protowire.ParseError(m))
			}
			typ, b = v, b[m:]
		case n == 2 && t == protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			if m < 0 {
				return "", 0, fmt.Errorf("reflection request: %w", protowire.ParseError(m))
			}
			num, b = int32(v), b[m:]
		default:
			m := protowire.ConsumeFieldValue(n, t, b)
			if m < 0 {
				return "", 0, fmt.Errorf("reflection request: %w", protowire.ParseError(m))
			}
			b = b[m:]
		}
	}
	return typ, num, nil
}

// withDependencies encodes fd and, breadth first, the files it imports that
// this stream has not sent yet; fd itself is always sent, as gRPC's own
// reflection server does. health sends the health file built here instead
// (it imports nothing).
func withDependencies(fd protoreflect.FileDescriptor, health bool, sent map[string]bool) ([][]byte, error) {
	if health {
		sent[healthPath] = true
		b, err := proto.Marshal(healthFile())
		if err != nil {
			return nil, err
		}
		return [][]byte{b}, nil
	}
	if fd == nil || fd.IsPlaceholder() {
		return nil, protoregistry.NotFound
	}
	var out [][]byte
	visited := map[string]bool{}
	for queue := []protoreflect.FileDescriptor{fd}; len(queue) > 0; queue = queue[1:] {
		f := queue[0]
		if f.IsPlaceholder() || visited[f.Path()] {
			continue
		}
		visited[f.Path()] = true
		if len(out) == 0 || !sent[f.Path()] {
			sent[f.Path()] = true
			b, err := proto.Marshal(protodesc.ToFileDescriptorProto(f))
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		imports := f.Imports()
		for i := range imports.Len() {
			queue = append(queue, imports.Get(i).FileDescriptor)
		}
	}
	return out, nil
}

const healthPath = "grpc/health/v1/health.proto"

// healthSymbol says whether name is one of health.proto's.
func healthSymbol(name string) bool {
	switch name {
	case "grpc.health.v1.Health", "grpc.health.v1.Health.Check", "grpc.health.v1.Health.Watch",
		"grpc.health.v1.HealthCheckRequest", "grpc.health.v1.HealthCheckRequest.service",
		"grpc.health.v1.HealthCheckResponse", "grpc.health.v1.HealthCheckResponse.status",
		"grpc.health.v1.HealthCheckResponse.ServingStatus":
		return true
	}
	return false
}

// healthFile is gRPC's grpc/health/v1/health.proto (Check and Watch), the
// service connectrpc.com/grpchealth serves.
func healthFile() *descriptorpb.FileDescriptorProto {
	str, enum := descriptorpb.FieldDescriptorProto_TYPE_STRING, descriptorpb.FieldDescriptorProto_TYPE_ENUM
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL
	value := func(name string, n int32) *descriptorpb.EnumValueDescriptorProto {
		return &descriptorpb.EnumValueDescriptorProto{Name: proto.String(name), Number: proto.Int32(n)}
	}
	return &descriptorpb.FileDescriptorProto{
		Name:    proto.String(healthPath),
		Package: proto.String("grpc.health.v1"),
		Syntax:  proto.String("proto3"),
		Options: &descriptorpb.FileOptions{GoPackage: proto.String("google.golang.org/grpc/health/grpc_health_v1")},
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("HealthCheckRequest"), Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("service"), Number: proto.Int32(1), Label: &opt, Type: &str, JsonName: proto.String("service")}}},
			{Name: proto.String("HealthCheckResponse"), Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("status"), Number: proto.Int32(1), Label: &opt, Type: &enum,
					TypeName: proto.String(".grpc.health.v1.HealthCheckResponse.ServingStatus"), JsonName: proto.String("status")}},
				EnumType: []*descriptorpb.EnumDescriptorProto{{Name: proto.String("ServingStatus"), Value: []*descriptorpb.EnumValueDescriptorProto{
					value("UNKNOWN", 0), value("SERVING", 1), value("NOT_SERVING", 2), value("SERVICE_UNKNOWN", 3)}}}},
		},
		Service: []*descriptorpb.ServiceDescriptorProto{{Name: proto.String("Health"), Method: []*descriptorpb.MethodDescriptorProto{
			{Name: proto.String("Check"), InputType: proto.String(".grpc.health.v1.HealthCheckRequest"), OutputType: proto.String(".grpc.health.v1.HealthCheckResponse")},
			{Name: proto.String("Watch"), InputType: proto.String(".grpc.health.v1.HealthCheckRequest"), OutputType: proto.String(".grpc.health.v1.HealthCheckResponse"),
				ServerStreaming: proto.Bool(true)},
		}}},
	}
}
