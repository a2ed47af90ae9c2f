package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/config"
	"github.com/certsvc/certsvc/internal/money"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/secretbox"
	"github.com/certsvc/certsvc/internal/service"
)

// storeUse says what an admin command does with the store.
type storeUse int

const (
	noStore    storeUse = iota // works without a database
	readStore                  // reads; runs beside a server that holds the store
	writeStore                 // writes; takes the embedded store's lock
)

// adminCommand is one operator command: its name (one or two words), the
// synopsis of its flags, a one-line summary, what it does with the store,
// and flags, which defines its own flags and returns what runs it.
type adminCommand struct {
	name, args, summary string
	store               storeUse
	flags               func(fs *flag.FlagSet) func(ctx context.Context, a *adminEnv) error
}

// adminEnv is what an admin command runs with. svc and cfg are nil for a
// command that needs no store.
type adminEnv struct {
	svc    *service.Service
	cfg    *config.Config
	log    *slog.Logger
	getenv func(string) string
	stdin  io.Reader
	out    io.Writer // a tabwriter over standard output
	stderr io.Writer
}

// adminCommands are the operator commands, in the order help lists them.
var adminCommands = []adminCommand{
	{"account create", "--name NAME [--currency RUB]", "create a customer account", writeStore, accountCreate},
	{"account list", "", "list accounts with their balances", readStore, accountList},
	{"user create", "--login LOGIN --level admin|user [--account ID] [--password-stdin]", "create a user (prints a generated password)", writeStore, userCreate},
	{"user list", "[--account ID]", "list users", readStore, userList},
	{"user set-password", "[--login admin] [--password-stdin]", "reset a user's password and end their sessions", writeStore, userSetPassword},
	{"deposit", "--account ID --amount 1500.00 [--idempotency-key KEY]", "add money to an account's balance", writeStore, deposit},
	{"master-key", "[--id ID]", "print a new master key for CERTSVC_MASTER_KEY or --master-key-file", noStore, masterKey},
	{"rotate-keys", "", "re-encrypt private keys and CA credentials under the primary master key", writeStore, rotateKeys},
}

func printAdminUsage(w io.Writer) {
	fmt.Fprint(w, `Operator commands: they work on the database directly, SQLite or MySQL, with the
same rules as the API, for a shell without an API client.

`)
	for _, c := range adminCommands {
		fmt.Fprintf(w, "  certsvc admin %s %s\n      %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprint(w, `
Commands on the store take the database flags (--data-dir, --database-url, ...);
"certsvc admin COMMAND --help" shows a command's flags. Commands that write take the
embedded store's lock, so they refuse to run while "certsvc serve" uses the same
--data-dir; on MySQL they run beside the servers.
`)
}

// findAdmin finds the command args start with and returns the rest.
func findAdmin(args []string) (*adminCommand, []string, error) {
	if len(args) > 1 {
		for i := range adminCommands {
			if adminCommands[i].name == args[0]+" "+args[1] {
				return &adminCommands[i], args[2:], nil
			}
		}
	}
	var subs []string
	for i := range adminCommands {
		c := &adminCommands[i]
		if c.name == args[0] {
			return c, args[1:], nil
		}
		if group, sub, ok := strings.Cut(c.name, " "); ok && group == args[0] {
			subs = append(subs, sub)
		}
	}
	if len(subs) > 0 {
		return nil, nil, fmt.Errorf("admin %s: give a subcommand: %s", args[0], strings.Join(subs, ", "))
	}
	return nil, nil, fmt.Errorf("unknown admin command %q", args[0])
}

func adminCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		printAdminUsage(stdout)
		return flag.ErrHelp
	}
	cmd, args, err := findAdmin(args)
	if err != nil {
		printAdminUsage(stderr)
		return err
	}
	fs := flag.NewFlagSet("certsvc admin "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: certsvc admin %s %s\n\n%s.\n\nFlags:\n", cmd.name, cmd.args, cmd.summary)
		fs.PrintDefaults()
	}
	var (
		cfg    *config.Config
		finish = func() error { return nil }
	)
	if cmd.store != noStore {
		cfg, finish = config.RegisterFlags(fs, getenv, config.DatabaseFlags)
	}
	runCmd := cmd.flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("admin %s: unexpected argument %q", cmd.name, fs.Arg(0))
	}
	if err := finish(); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	defer tw.Flush()
	a := &adminEnv{cfg: cfg, getenv: getenv, stdin: stdin, out: tw, stderr: stderr}
	if cmd.store == noStore {
		return runCmd(ctx, a)
	}
	unlock, err := lockStore(cfg)
	busy := errors.Is(err, errStoreBusy)
	switch {
	case busy && cmd.store == readStore:
		// A server has the store: read beside it, and leave migrating and
		// seeding to it.
		unlock = func() {}
	case err != nil:
		return err
	}
	defer unlock()
	e, err := open(ctx, cfg, stderr, func(string) bool { return !busy && cfg.Migrate != "never" }, false)
	if err != nil {
		return err
	}
	defer e.db.Close()
	if !busy {
		// The admin is created here only with a known password: a generated
		// one is left to `certsvc serve`, which shows it.
		boot, err := e.svc.BootstrapWith(ctx, service.BootstrapOptions{AdminPassword: cfg.AdminPassword, NoGeneratedAdmin: true})
		if err != nil {
			return err
		}
		reportBootstrap(e.log, stderr, boot, cmd.name != "user set-password")
	}
	a.svc, a.log = e.svc, e.log
	return runCmd(rpc.WithPrincipal(ctx, rpc.OperatorPrincipal()), a)
}

// reportBootstrap logs what Bootstrap did, prints a generated admin password
// once outside the structured log, and warns when CERTSVC_ADMIN_PASSWORD was
// given to a store that has users (warnIgnored).
func reportBootstrap(log *slog.Logger, stderr io.Writer, boot service.BootstrapResult, warnIgnored bool) {
	if boot.PlansSeeded > 0 {
		log.Info("catalog seeded", "plans", boot.PlansSeeded)
	}
	if boot.ModuleCreated {
		log.Info("built-in CA module created", "auto_approve", true)
	}
	if boot.AdminDeferred {
		log.Info("no admin yet: `certsvc serve` creates \"admin\" on its first start and prints its password " +
			"(or set CERTSVC_ADMIN_PASSWORD for this command to create it with that password)")
	}
	if boot.AdminLogin != "" {
		log.Info("admin created", "login", boot.AdminLogin, "password_generated", boot.AdminPassword != "")
		if boot.AdminPassword != "" {
			// Printed once, outside the structured log, for the operator's eyes.
			fmt.Fprintf(stderr, "\ncertsvc: created admin %q with password %s\n(shown only now; set CERTSVC_ADMIN_PASSWORD on first start to choose it)\n\n",
				boot.AdminLogin, boot.AdminPassword)
		}
	}
	if boot.AdminPasswordIgnored && warnIgnored {
		log.Warn("CERTSVC_ADMIN_PASSWORD is ignored: it sets the admin's password only when the store has no users, " +
			"and this one has; to reset a password run `certsvc admin user set-password --login admin` " +
			"(it takes the new password from CERTSVC_ADMIN_PASSWORD, --password-stdin, or generates one)")
	}
}

// readPassword reads the first line of r.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// newPassword is a generated password, shown to the operator once.
func newPassword() string { return auth.NewToken("")[:20] }

func accountCreate(fs *flag.FlagSet) func(context.Context, *adminEnv) error {
	name := fs.String("name", "", "account name")
	currency := fs.String("currency", "RUB", "ISO 4217 currency of the balance")
	return func(ctx context.Context, a *adminEnv) error {
		req := &certsvcv1.CreateAccountRequest{Name: *name, Currency: *currency}
		if err := check(req); err != nil {
			return err
		}
		res, err := a.svc.Accounts.CreateAccount(ctx, req)
		if err != nil {
			return err
		}
		printAccounts(a.out, res.GetAccount())
		return nil
	}
}

func accountList(*flag.FlagSet) func(context.Context, *adminEnv) error {
	return func(ctx context.Context, a *adminEnv) error {
		req := &certsvcv1.ListAccountsRequest{PageSize: 1000}
		for {
			res, err := a.svc.Accounts.ListAccounts(ctx, req)
			if err != nil {
				return err
			}
			printAccounts(a.out, res.GetAccounts()...)
			if req.PageToken = res.GetNextPageToken(); req.PageToken == "" {
				return nil
			}
		}
	}
}

func userCreate(fs *flag.FlagSet) func(context.Context, *adminEnv) error {
	login := fs.String("login", "", "login")
	level := fs.String("level", "user", "access level: admin or user")
	accountID := fs.Int64("account", 0, "account id (users only)")
	name := fs.String("name", "", "display name")
	email := fs.String("email", "", "e-mail")
	passwordStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input; without it one is generated and printed")
	return func(ctx context.Context, a *adminEnv) error {
		lv := map[string]certsvcv1.AccessLevel{"admin": certsvcv1.AccessLevel_ACCESS_LEVEL_ADMIN, "user": certsvcv1.AccessLevel_ACCESS_LEVEL_USER}[*level]
		if lv == certsvcv1.AccessLevel_ACCESS_LEVEL_UNSPECIFIED {
			return fmt.Errorf("--level: %q is not admin or user", *level)
		}
		password, generated := newPassword(), true
		if *passwordStdin {
			var err error
			if password, err = readPassword(a.stdin); err != nil {
				return err
			}
			generated = false
		}
		req := &certsvcv1.CreateUserRequest{AccountId: *accountID, Login: *login, Password: password, Level: lv, Name: *name, Email: *email}
		if err := check(req); err != nil {
			return err
		}
		res, err := a.svc.Accounts.CreateUser(ctx, req)
		if err != nil {
			return err
		}
		printUsers(a.out, res.GetUser())
		if generated {
			fmt.Fprintf(a.out, "\npassword:\t%s\t(shown only now)\n", password)
		}
		return nil
	}
}

func userList(fs *flag.FlagSet) func(context.Context, *adminEnv) error {
	accountID := fs.Int64("account", 0, "only this account's users")
	return func(ctx context.Context, a *adminEnv) error {
		req := &certsvcv1.ListUsersRequest{PageSize: 1000, AccountId: *accountID}
		for {
			res, err := a.svc.Accounts.ListUsers(ctx, req)
			if err != nil {
				return err
			}
			printUsers(a.out, res.GetUsers()...)
			if req.PageToken = res.GetNextPageToken(); req.PageToken == "" {
				return nil
			}
		}
	}
}

// userSetPassword resets a password: the operator's way back in when the
// admin's password is lost or CERTSVC_ADMIN_PASSWORD came too late.
func userSetPassword(fs *flag.FlagSet) func(context.Context, *adminEnv) error {
	login := fs.String("login", "admin", "login of the user")
	passwordStdin := fs.Bool("password-stdin", false, "read the new password from the first line of standard input")
	return func(ctx context.Context, a *adminEnv) error {
		u, err := findUser(ctx, a.svc, *login)
		if err != nil {
			return err
		}
		var password, from string
		switch env := a.getenv("CERTSVC_ADMIN_PASSWORD"); {
		case *passwordStdin:
			if password, err = readPassword(a.stdin); err != nil {
				return err
			}
			from = "standard input"
		case env != "" && u.GetLogin() == "admin":
			// Only for the user the variable names, so an exported variable
			// never becomes another user's password by accident.
			password, from = env, "CERTSVC_ADMIN_PASSWORD"
		default:
			password = newPassword()
		}
		req := &certsvcv1.SetUserPasswordRequest{UserId: u.GetId(), Password: password}
		if err := check(req); err != nil {
			return err
		}
		if _, err := a.svc.Accounts.SetUserPassword(ctx, req); err != nil {
			return err
		}
		if from != "" {
			fmt.Fprintf(a.out, "password of %q set from %s; their sessions are ended\n", u.GetLogin(), from)
		} else {
			fmt.Fprintf(a.out, "password of %q set; their sessions are ended\n\npassword:\t%s\t(shown only now)\n", u.GetLogin(), password)
		}
		return nil
	}
}

// findUser finds a user by login, ignoring case.
func findUser(ctx context.Context, svc *service.Service, login string) (*certsvcv1.User, error) {
	req := &certsvcv1.ListUsersRequest{PageSize: 1000}
	for {
		res, err := svc.Accounts.ListUsers(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, u := range res.GetUsers() {
			if strings.EqualFold(u.GetLogin(), login) {
				return u, nil
			}
		}
		if req.PageToken = res.GetNextPageToken(); req.PageToken == "" {
			return nil, fmt.Errorf("--login: no user %q (certsvc admin user list shows them)", login)
		}
	}
}

func deposit(fs *flag.FlagSet) func(context.Context, *adminEnv) error {
	accountID := fs.Int64("account", 0, "account id")
	amount := fs.String("amount", "", "amount in major units, e.g. 1500.00")
	description := fs.String("description", "", "ledger description")
	idemKey := fs.String("idempotency-key", "", "makes a repeated command deposit once")
	return func(ctx context.Context, a *adminEnv) error {
		acc, err := a.svc.Accounts.GetAccount(ctx, &certsvcv1.GetAccountRequest{Id: *accountID})
		if err != nil {
			return fmt.Errorf("--account: %w", err)
		}
		cur, _ := money.Lookup(acc.GetAccount().GetCurrency())
		minor, err := money.Parse(*amount, cur)
		if err != nil {
			return fmt.Errorf("--amount: %w", err)
		}
		req := &certsvcv1.DepositRequest{AccountId: *accountID, AmountMinor: minor, Description: *description, IdempotencyKey: *idemKey}
		if err := check(req); err != nil {
			return err
		}
		res, err := a.svc.Accounts.Deposit(ctx, req)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.out, "ledger entry\t%d\n", res.GetEntry().GetId())
		printAccounts(a.out, res.GetAccount())
		return nil
	}
}

func masterKey(fs *flag.FlagSet) func(context.Context, *adminEnv) error {
	id := fs.String("id", "k"+time.Now().UTC().Format("20060102"), "key id: 1 to 32 of a-z, 0-9, -")
	return func(_ context.Context, a *adminEnv) error {
		_, enc, err := secretbox.GenerateMasterKey(*id)
		if err != nil {
			return fmt.Errorf("--id: %w", err)
		}
		fmt.Fprintln(a.out, enc)
		return nil
	}
}

func rotateKeys(*flag.FlagSet) func(context.Context, *adminEnv) error {
	return func(ctx context.Context, a *adminEnv) error {
		res, err := a.svc.RewrapSecrets(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.out, "private keys re-encrypted\t%d\nmodule credentials re-encrypted\t%d\nwebhook secrets re-encrypted\t%d\n",
			res.PrivateKeys, res.Modules, res.Webhooks)
		return nil
	}
}

// check applies the API's field rules to a request built from flags.
func check(m proto.Message) error {
	if err := protovalidate.Validate(m); err != nil {
		return fmt.Errorf("invalid input: %w", err)
	}
	return nil
}

func printAccounts(w io.Writer, accounts ...*certsvcv1.Account) {
	fmt.Fprintln(w, "ID\tNAME\tCURRENCY\tBALANCE")
	for _, a := range accounts {
		cur, _ := money.Lookup(a.GetCurrency())
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", a.GetId(), a.GetName(), a.GetCurrency(), money.Format(a.GetBalanceMinor(), cur))
	}
}

func printUsers(w io.Writer, users ...*certsvcv1.User) {
	fmt.Fprintln(w, "ID\tLOGIN\tLEVEL\tACCOUNT\tDISABLED\tNAME")
	for _, u := range users {
		level := strings.ToLower(strings.TrimPrefix(u.GetLevel().String(), "ACCESS_LEVEL_"))
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%t\t%s\n", u.GetId(), u.GetLogin(), level, u.GetAccountId(), u.GetDisabled(), u.GetName())
	}
}
