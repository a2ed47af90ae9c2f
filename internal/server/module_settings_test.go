package server_test

import (
	"context"
	"slices"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/provider/billmanager"
	"github.com/certsvc/certsvc/internal/provider/builtin"
	"github.com/certsvc/certsvc/internal/store"
)

// TestModuleSettingsChecked: a module's settings and credentials are
// checked against its kind's declaration before anything is built or
// stored; errors name module.settings.X or module.credentials.X.
func TestModuleSettingsChecked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		env := apitest.New(t, db)
		admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
		ctx := context.Background()
		upstream := func(settings, creds map[string]string) *certsvcv1.ProcessingModule {
			return &certsvcv1.ProcessingModule{Name: "Upstream", Kind: certsvcv1.ModuleKind_MODULE_KIND_BILLMANAGER,
				Settings: settings, Credentials: creds}
		}
		for _, tc := range []struct {
			name  string
			mod   *certsvcv1.ProcessingModule
			field string
		}{
			{"unknown setting", &certsvcv1.ProcessingModule{Name: "CA", Kind: certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA,
				Settings: map[string]string{"colour": "blue"}}, "module.settings.colour"},
			{"a credential sent as a setting", upstream(map[string]string{billmanager.SettingURL: "https://upstream.invalid",
				billmanager.SettingLogin: "r", billmanager.SecretPassword: "p"}, nil), "module.settings." + billmanager.SecretPassword},
			{"a setting sent as a credential", upstream(map[string]string{billmanager.SettingURL: "https://upstream.invalid"},
				map[string]string{billmanager.SettingLogin: "r", billmanager.SecretPassword: "p"}), "module.credentials." + billmanager.SettingLogin},
			{"required setting missing", upstream(map[string]string{billmanager.SettingLogin: "r"},
				map[string]string{billmanager.SecretPassword: "p"}), "module.settings." + billmanager.SettingURL},
			{"required credential missing", upstream(map[string]string{billmanager.SettingURL: "https://upstream.invalid",
				billmanager.SettingLogin: "r"}, nil), "module.credentials." + billmanager.SecretPassword},
			{"no kind", &certsvcv1.ProcessingModule{Name: "CA"}, "module.kind"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: tc.mod})
				if codeOf(err) != connect.CodeInvalidArgument {
					t.Fatalf("create: got %v, want invalid_argument", err)
				}
				if fields := inputDetailFields(t, err); !slices.Contains(fields, tc.field) {
					t.Fatalf("create error names %q, want %s", fields, tc.field)
				}
			})
		}

		// An update is checked the same way, and changes nothing when refused.
		mods, err := admin.Module.ListProcessingModules(ctx, &certsvcv1.ListProcessingModulesRequest{})
		if err != nil || len(mods.GetModules()) == 0 {
			t.Fatalf("list modules: %v", err)
		}
		m := mods.GetModules()[0]
		_, err = admin.Module.UpdateProcessingModule(ctx, &certsvcv1.UpdateProcessingModuleRequest{
			Module:     &certsvcv1.ProcessingModule{Id: m.GetId(), Settings: map[string]string{builtin.SettingAutoApprove: "true", "colour": "blue"}},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"settings"}}})
		if codeOf(err) != connect.CodeInvalidArgument || !slices.Contains(inputDetailFields(t, err), "module.settings.colour") {
			t.Fatalf("update with an unknown setting: %v (fields %q)", err, inputDetailFields(t, err))
		}
		got, err := admin.Module.GetProcessingModule(ctx, &certsvcv1.GetProcessingModuleRequest{Id: m.GetId()})
		if err != nil || got.GetModule().GetSettings()["colour"] != "" {
			t.Fatalf("a refused update was stored: %v %v", got.GetModule().GetSettings(), err)
		}
	})
}
