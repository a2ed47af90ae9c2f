package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"

	certsvcv1 "certsvc/gen/certsvc/v1"
	"certsvc/internal/auth"
	"certsvc/internal/money"
	"certsvc/internal/rpc"
	"certsvc/internal/secretbox"
)

const adminUsage = `Operator commands: they work on the database directly, SQLite or MySQL,
with the same rules as the API, for a shell without an API client.

  certsvc admin account create --name NAME --currency RUB
  certsvc admin account list
  certsvc admin user create --login LOGIN --level admin|user [--account ID] [--name N] [--email E] [--password-stdin]
  certsvc admin user list [--account ID]
  certsvc admin deposit --account ID --amount 1500.00 [--description TEXT] [--idempotency-key KEY]
  certsvc admin master-key [--id ID]
      prints a new master key for CERTSVC_MASTER_KEY or --master-key-file
  certsvc admin rotate-keys
      re-encrypts private keys and module credentials under the current master
      key; run it after making the new key primary and listing the old one in
      CERTSVC_OLD_MASTER_KEYS, then drop the old key

Each also takes the database flags of "certsvc serve" (--database-url, --data-dir).
Without --password-stdin a password is generated and printed.
`

func adminCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, adminUsage)
		return flag.ErrHelp
	}
	name := args[0]
	args = args[1:]
	if name == "master-key" {
		fs := flag.NewFlagSet("certsvc admin master-key", flag.ContinueOnError)
		fs.SetOutput(stderr)
		id := fs.String("id", "k"+strings.ReplaceAll(time.Now().UTC().Format("20060102"), "-", ""), "key id: 1 to 32 of a-z, 0-9, -")
		if err := fs.Parse(args); err != nil {
			return err
		}
		_, enc, err := secretbox.GenerateMasterKey(*id)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, enc)
		return nil
	}
	if name != "deposit" && name != "rotate-keys" {
		if len(args) == 0 {
			fmt.Fprint(stderr, adminUsage)
			return fmt.Errorf("admin %s: give a subcommand", name)
		}
		name += " " + args[0]
		args = args[1:]
	}
	var (
		accountName, currency, login, level, userName, email, amount, description, idemKey string
		accountID                                                                          int64
		passwordStdin                                                                      bool
	)
	cfg, _, err := parseFlags("admin "+name, args, getenv, stderr, func(fs *flag.FlagSet) {
		switch name {
		case "account create":
			fs.StringVar(&accountName, "name", "", "account name")
			fs.StringVar(&currency, "currency", "RUB", "ISO 4217 currency of the balance")
		case "user create":
			fs.StringVar(&login, "login", "", "login")
			fs.StringVar(&level, "level", "user", "access level: admin or user")
			fs.Int64Var(&accountID, "account", 0, "account id (users only)")
			fs.StringVar(&userName, "name", "", "display name")
			fs.StringVar(&email, "email", "", "e-mail")
			fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
		case "user list":
			fs.Int64Var(&accountID, "account", 0, "only this account's users")
		case "deposit":
			fs.Int64Var(&accountID, "account", 0, "account id")
			fs.StringVar(&amount, "amount", "", "amount in major units, e.g. 1500.00")
			fs.StringVar(&description, "description", "", "ledger description")
			fs.StringVar(&idemKey, "idempotency-key", "", "makes a repeated command deposit once")
		case "account list", "rotate-keys":
		default:
			fmt.Fprint(stderr, adminUsage)
		}
	})
	if err != nil {
		return err
	}
	switch name {
	case "account create", "account list", "user create", "user list", "deposit", "rotate-keys":
	default:
		return fmt.Errorf("unknown admin command %q", name)
	}
	e, err := open(ctx, cfg, stderr, func(string) bool { return cfg.Migrate != "never" })
	if err != nil {
		return err
	}
	defer e.db.Close()
	if _, err := e.svc.Bootstrap(ctx, cfg.AdminPassword); err != nil {
		return err
	}
	ctx = rpc.WithPrincipal(ctx, rpc.OperatorPrincipal())
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	defer tw.Flush()

	switch name {
	case "account create":
		req := &certsvcv1.CreateAccountRequest{Name: accountName, Currency: currency}
		if err := check(req); err != nil {
			return err
		}
		res, err := e.svc.CreateAccount(ctx, req)
		if err != nil {
			return err
		}
		printAccounts(tw, res.GetAccount())
	case "account list":
		req := &certsvcv1.ListAccountsRequest{PageSize: 1000}
		for {
			res, err := e.svc.ListAccounts(ctx, req)
			if err != nil {
				return err
			}
			printAccounts(tw, res.GetAccounts()...)
			if req.PageToken = res.GetNextPageToken(); req.PageToken == "" {
				break
			}
		}
	case "user create":
		lv := map[string]certsvcv1.AccessLevel{"admin": certsvcv1.AccessLevel_ACCESS_LEVEL_ADMIN, "user": certsvcv1.AccessLevel_ACCESS_LEVEL_USER}[level]
		if lv == certsvcv1.AccessLevel_ACCESS_LEVEL_UNSPECIFIED {
			return fmt.Errorf("--level: %q is not admin or user", level)
		}
		password, generated := "", false
		if passwordStdin {
			line, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("read password: %w", err)
			}
			password = strings.TrimRight(line, "\r\n")
		} else {
			password, generated = auth.NewToken("")[:20], true
		}
		req := &certsvcv1.CreateUserRequest{AccountId: accountID, Login: login, Password: password, Level: lv, Name: userName, Email: email}
		if err := check(req); err != nil {
			return err
		}
		res, err := e.svc.CreateUser(ctx, req)
		if err != nil {
			return err
		}
		printUsers(tw, res.GetUser())
		if generated {
			fmt.Fprintf(tw, "\npassword:\t%s\t(shown only now)\n", password)
		}
	case "user list":
		req := &certsvcv1.ListUsersRequest{PageSize: 1000, AccountId: accountID}
		for {
			res, err := e.svc.ListUsers(ctx, req)
			if err != nil {
				return err
			}
			printUsers(tw, res.GetUsers()...)
			if req.PageToken = res.GetNextPageToken(); req.PageToken == "" {
				break
			}
		}
	case "rotate-keys":
		res, err := e.svc.RewrapSecrets(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "private keys re-encrypted\t%d\nmodule credentials re-encrypted\t%d\n", res.PrivateKeys, res.Modules)
	case "deposit":
		acc, err := e.svc.GetAccount(ctx, &certsvcv1.GetAccountRequest{Id: accountID})
		if err != nil {
			return fmt.Errorf("--account: %w", err)
		}
		cur, _ := money.Lookup(acc.GetAccount().GetCurrency())
		minor, err := money.Parse(amount, cur)
		if err != nil {
			return fmt.Errorf("--amount: %w", err)
		}
		req := &certsvcv1.DepositRequest{AccountId: accountID, AmountMinor: minor, Description: description, IdempotencyKey: idemKey}
		if err := check(req); err != nil {
			return err
		}
		res, err := e.svc.Deposit(ctx, req)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "ledger entry\t%d\n", res.GetEntry().GetId())
		printAccounts(tw, res.GetAccount())
	}
	return nil
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
