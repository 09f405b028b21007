package access

import (
	"maps"
	"slices"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
)

// A witness is a principal that some Allow statement of a table policy can
// admit, made up by the check so that it can be evaluated like any other
// principal. IAM Access Analyzer's external-access findings are the model: a
// statement grants nothing undeclared only if every principal it can admit
// is a declared writer. The check does not enumerate every principal (there
// are too many); it derives one representative of each kind a statement
// names, and the evaluator decides whether the statement admits it:
//
//   - each account of Principal, of aws:PrincipalAccount, aws:SourceAccount
//     and of the account field of aws:PrincipalArn, plus the tables' and
//     writers' accounts and an account no template uses;
//   - in each: a role no configuration declares, the root user, and each
//     role or user ARN that a Principal or aws:PrincipalArn value names or
//     matches (a pattern filled in with a made-up name);
//   - each of those outside any organization, in each organization of
//     aws:PrincipalOrgID and at each path of aws:PrincipalOrgPaths;
//   - for a statement whose principal is anyone, an AWS service acting for
//     each of those accounts (aws:SourceAccount).
//
// A witness outside a table's account may do dynamodb:* and kms:* on
// anything outside its own account, so a table policy that admits it is all that stands
// between it and the table. In a table's account it has no identity
// policy: there only a grant of the table policy itself lets it in.
type witnessKinds struct {
	partition string
	accounts  map[string]bool
	arns      []string // role and user ARNs and ARN patterns
	orgs      []string // organization IDs and ID patterns
	orgPaths  []string // organization paths and path patterns
	services  bool     // some statement admits anyone, AWS services included
	// negated are the statements with a negated condition on who calls:
	// each gets witnesses chosen to avoid what it excludes.
	negated     []Statement
	tableAccts  map[string]bool
	declaredArn map[string]bool
}

// witnessName fills the wildcards of a pattern: a name no configuration
// uses.
const witnessName = "access-check-witness"

// witnesses derives the witness principals of the tables' policies; used
// holds the accounts the templates and grants use, declared the declared
// writer role ARNs.
func witnesses(m *Model, used map[string]bool, declared map[string]bool) []Subject {
	k := witnessKinds{accounts: map[string]bool{}, tableAccts: map[string]bool{}, declaredArn: declared, partition: "aws"}
	for _, t := range m.Tables {
		k.partition = arns.Partition(t.Arn)
		k.tableAccts[t.Account] = true
	}
	for _, key := range m.Keys {
		k.tableAccts[key.Account] = true
	}
	// Who may become a role, make a function act or feed it gets what the
	// role may do: every resource policy admits principals.
	for _, policy := range m.resourcePolicies() {
		for _, st := range policy.statements {
			if st.Effect == Allow {
				k.read(st)
			}
		}
	}
	for a := range used {
		k.accounts[a] = true
	}
	fresh := unusedAccount(k.accounts)
	k.accounts[fresh] = true
	var accountPatterns []string
	for a := range k.accounts {
		accountPatterns = append(accountPatterns, a)
	}
	for _, a := range accountPatterns {
		if !accountID.MatchString(a) {
			delete(k.accounts, a)
			if filled := fillAccount(a); filled != "" {
				k.accounts[filled] = true
			}
		}
	}
	// A pattern of aws:PrincipalAccount may also match an account already
	// known; every account is tried against every pattern by the evaluator.
	var out []Subject
	for _, acct := range slices.Sorted(maps.Keys(k.accounts)) {
		for _, p := range k.principalsIn(acct, fresh) {
			out = append(out, k.inOrganizations(p)...)
		}
		if k.services {
			out = append(out, Subject{
				Principal: Principal{Arn: "service acting for " + acct, ServiceFor: acct},
				Label:     "witness: an AWS service acting for account " + acct + " (aws:SourceAccount)",
				Probe:     true,
			})
		}
	}
	for _, st := range k.negated {
		out = append(out, k.avoiding(st)...)
	}
	return out
}

// witnessNames are names tried, in order, for a principal that a
// statement's negated conditions must not exclude: a negation can exclude
// the check's usual names, not all of these at once unless it excludes
// every name.
var witnessNames = []string{witnessName, "w", "0", "Z_9", "a.b-c", "x+=,@"}

// avoiding returns, for each principal form, the first made-up principal
// in some account that statement st admits by its Principal and its
// conditions on who calls (aws:PrincipalArn, aws:PrincipalAccount), so
// that a negated pattern cannot hide everyone it lets in.
func (k *witnessKinds) avoiding(st Statement) []Subject {
	accounts := slices.Sorted(maps.Keys(k.accounts))
	for d := '1'; d <= '9'; d++ {
		if a := strings.Repeat(string(d), 12); !k.accounts[a] {
			accounts = append(accounts, a)
		}
	}
	var out []Subject
	for form := range principalForms(k.partition, "") {
	search:
		for _, acct := range accounts {
			for _, name := range witnessNames {
				arn := strings.Replace(principalForms(k.partition, acct)[form], "*", name, 1)
				p := Principal{Arn: arn, Account: acct}
				if k.declaredArn[arn] || !st.admitsCaller(p, k.partition) {
					continue
				}
				s := Subject{Principal: p, Label: "witness: principal that the negated conditions of " + st.Where.String() + " do not exclude", Probe: true}
				if !k.tableAccts[acct] && !s.IsRoot() {
					s.Identity = everythingOutside(acct)
				}
				out = append(out, s)
				break search
			}
		}
	}
	return out
}

// read collects the principals and condition values of one Allow
// statement.
func (k *witnessKinds) read(st Statement) {
	for _, pp := range st.Principals {
		switch {
		case pp.anyone:
			k.services = true
		case pp.account != "":
			k.accounts[pp.account] = true
		case pp.arn != "":
			k.arns = append(k.arns, pp.arn)
			if a, ok := arns.Parts(pp.arn); ok {
				k.accounts[a.AccountID] = true
			}
		}
	}
	for _, c := range st.Conditions {
		if c.negated && (c.key == "aws:PrincipalArn" || c.key == "aws:PrincipalAccount") && !slices.ContainsFunc(k.negated, func(n Statement) bool { return n.Where == st.Where }) {
			k.negated = append(k.negated, st)
		}
		for _, v := range c.values {
			switch c.key {
			case "aws:PrincipalAccount", "aws:SourceAccount":
				k.accounts[v] = true
			case "aws:PrincipalArn":
				k.arns = append(k.arns, v)
				if f := strings.SplitN(v, ":", 6); len(f) == 6 {
					k.accounts[f[4]] = true
				}
			case "aws:PrincipalOrgID":
				k.orgs = append(k.orgs, v)
			case "aws:PrincipalOrgPaths":
				k.orgPaths = append(k.orgPaths, v)
			}
		}
	}
}

// principalsIn lists the witnesses of account acct: a role nobody declared,
// the root user (except in a table's account, where its access is not the
// policy's doing), and each named or matching ARN.
func (k *witnessKinds) principalsIn(acct, fresh string) []Subject {
	var out []Subject
	add := func(arn, label string) {
		if k.declaredArn[arn] {
			return
		}
		s := Subject{Principal: Principal{Arn: arn, Account: acct}, Label: label, Probe: true}
		if !k.tableAccts[acct] && !s.IsRoot() { // the root user needs no identity policy
			s.Identity = everythingOutside(acct)
		}
		out = append(out, s)
	}
	switch {
	case k.tableAccts[acct]:
		add(roleArnIn(k.partition, acct, probeNoPolicyRole), "probe: role in table account "+acct+" without identity policies")
	case acct == fresh:
		add(roleArnIn(k.partition, acct, probeThirdRole), "probe: role in an account no template uses, allowed dynamodb:* and kms:* outside it")
	default:
		add(roleArnIn(k.partition, acct, probeAdminRole), "probe: role in "+acct+" allowed dynamodb:* and kms:* outside it")
	}
	if !k.tableAccts[acct] {
		add(arns.Root(k.partition, acct), "probe: root user of "+acct)
	}
	for _, pattern := range k.arns {
		for _, arn := range fillArn(pattern, acct, k.partition) {
			add(arn, "witness: principal matching "+pattern)
		}
	}
	return out
}

// inOrganizations returns p outside any organization, and p in each
// organization and at each organization path the policies name.
func (k *witnessKinds) inOrganizations(p Subject) []Subject {
	out := []Subject{p}
	for _, org := range k.orgs {
		o := p
		o.OrgID = fillPattern(org, "accesscheck")
		o.Label = p.Label + ", in organization " + o.OrgID
		out = append(out, o)
	}
	for _, path := range k.orgPaths {
		o := p
		filled := fillPattern(path, "accesscheck")
		o.OrgID, _, _ = strings.Cut(filled, "/")
		o.OrgPaths = []string{filled}
		o.Label = p.Label + ", at organization path " + filled
		out = append(out, o)
	}
	return out
}

// principalForms are the shapes an IAM caller's aws:PrincipalArn takes in
// account acct: a role (also for its sessions), a user, the root user and
// a federated user (GetFederationToken). A "*" stands for any name.
func principalForms(partition, acct string) []string {
	return []string{
		"arn:" + partition + ":iam::" + acct + ":role/*",
		"arn:" + partition + ":iam::" + acct + ":user/*",
		"arn:" + partition + ":iam::" + acct + ":root",
		"arn:" + partition + ":sts::" + acct + ":federated-user/*",
	}
}

// fillArn turns an ARN or a pattern of a principal (a Principal ARN, or a
// value of aws:PrincipalArn, ARN-shaped or a plain glob) into each
// concrete principal ARN of account acct that it matches: one for each
// principal form the pattern can meet, its free parts named witnessName.
func fillArn(pattern, acct, partition string) []string {
	var out []string
	for _, form := range principalForms(partition, acct) {
		arn, ok := intersectGlobs(pattern, form)
		if !ok || strings.HasSuffix(arn, "/") {
			continue
		}
		out = append(out, arn)
	}
	return out
}

// intersectGlobs finds a string that matches both patterns, where "*"
// matches any run of characters and "?" any one: a search over pairs of
// positions in the two patterns. Where both patterns take any run, it
// puts witnessName there, so a made-up principal reads as one.
func intersectGlobs(a, b string) (string, bool) {
	failed := map[[2]int]bool{}
	var walk func(i, j int) (string, bool)
	walk = func(i, j int) (string, bool) {
		if i == len(a) && j == len(b) {
			return "", true
		}
		if failed[[2]int{i, j}] {
			return "", false
		}
		starA, starB := i < len(a) && a[i] == '*', j < len(b) && b[j] == '*'
		try := func(prefix string, ni, nj int) (string, bool) {
			rest, ok := walk(ni, nj)
			return prefix + rest, ok
		}
		if starA && starB {
			if s, ok := try(witnessName, i+1, j+1); ok {
				return s, true
			}
		}
		if starA {
			if s, ok := try("", i+1, j); ok {
				return s, true
			}
		}
		if starB {
			if s, ok := try("", i, j+1); ok {
				return s, true
			}
		}
		// Consume one character that both sides accept.
		if i < len(a) && j < len(b) && !(starA && starB) {
			ca, cb := a[i], b[j]
			var c byte
			switch {
			case ca != '*' && ca != '?':
				c = ca
			case cb != '*' && cb != '?':
				c = cb
			default:
				c = 'x'
			}
			accepts := func(p byte) bool { return p == '*' || p == '?' || p == c }
			if accepts(ca) && accepts(cb) {
				ni, nj := i+1, j+1
				if starA {
					ni = i
				}
				if starB {
					nj = j
				}
				if s, ok := try(string(c), ni, nj); ok {
					return s, true
				}
			}
		}
		failed[[2]int{i, j}] = true
		return "", false
	}
	return walk(0, 0)
}

// fillPattern replaces each "*" of a pattern with name and each "?" with
// "x".
func fillPattern(pattern, name string) string {
	return strings.NewReplacer("*", name, "?", "x").Replace(pattern)
}

// fillAccount turns an account pattern such as "3333*" into an account id
// that matches it, or "" when there is none.
func fillAccount(pattern string) string {
	digits := strings.ReplaceAll(pattern, "?", "7")
	stars := strings.Count(digits, "*")
	if stars == 0 {
		if accountID.MatchString(digits) {
			return digits
		}
		return ""
	}
	missing := 12 - (len(digits) - stars)
	if missing < 0 {
		return ""
	}
	filled := strings.Replace(digits, "*", strings.Repeat("7", missing), 1)
	filled = strings.ReplaceAll(filled, "*", "")
	if accountID.MatchString(filled) && wildcardMatch(pattern, filled, false) {
		return filled
	}
	return ""
}

// everythingOutside allows dynamodb:* and kms:* on everything outside
// account acct.
func everythingOutside(acct string) []Statement {
	return []Statement{{
		Where:        Location{Stack: "probe", Resource: "dynamodb-and-kms-outside-own-account"},
		Effect:       Allow,
		Actions:      []string{"dynamodb:*", "kms:*"},
		NotResources: []string{"arn:*:*:*:" + acct + ":*"},
	}}
}
