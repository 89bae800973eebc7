//! The examples each verb's `--help` ends with.

pub const EXIT_STATUS: &str = "Exit status of the verbs (get, describe, create, …): 0 done, 1 error, \
2 usage, 3 refused by the server, 4 not found.";

pub const GET: &str = "Examples:
  dealerctl get tenants --under 'Acme Reseller' -q sip
  dealerctl get tenant acme.sip.example -o yaml
  dealerctl get packages -o wide
  dealerctl get rates 'Retail EU' -q 44 --all -o csv > retail-uk.csv
  dealerctl get users --as auditor@acme.example        (what that login sees)
  dealerctl get tenants -o name | xargs -n1 dealerctl describe";

pub const DESCRIBE: &str = "Examples:
  dealerctl describe dealer 'Acme Reseller'
  dealerctl describe tenant tnt_0190f5a3… -o json | jq .events";

pub const CREATE: &str = "Examples:
  dealerctl create dealer --parent 'Northwind Distribution' --level reseller --name 'Acme Reseller' \\
      --email ops@acme.example --max-tenants 50 --extensions 1000 --concurrent-calls 200
  dealerctl create tenant --dealer 'Acme Reseller' --name 'Bakery' --domain bakery.sip.example \\
      --extensions 10 --concurrent-calls 4
  dealerctl create user --dealer 'Acme Reseller' --email noc@acme.example --groups 'NOC operator'
  dealerctl create group --dealer 'Acme Reseller' --name Support --template noc-operator
  dealerctl create tenant -f bakery.yaml -o name";

pub const EDIT: &str = "Examples:
  dealerctl edit tenant bakery.sip.example             (opens $EDITOR on YAML)
  dealerctl edit package 'Acme Reseller'
  echo 'extensions: 20' | dealerctl edit tenant bakery.sip.example -f -";

pub const DELETE: &str = "Examples:
  dealerctl delete tenant bakery.sip.example           (says what goes, asks y/N)
  dealerctl delete group Support --yes                 (scripts: no question)";

pub const SUSPEND: &str = "Examples:
  dealerctl suspend tenant bakery.sip.example
  dealerctl suspend dealer 'Acme Reseller'             (with tenants: type its name)
  dealerctl suspend user noc@acme.example --yes";

pub const RESUME: &str = "Examples:
  dealerctl resume tenant bakery.sip.example --yes";

pub const MOVE: &str = "Examples:
  dealerctl move tenant bakery.sip.example --to 'Other Reseller'          (the plan only)
  dealerctl move tenant bakery.sip.example --to 'Other Reseller' --yes    (moves it)";

pub const CAN_I: &str = "Examples:
  dealerctl can-i tenants:suspend
  dealerctl can-i tenants:update --on tenant/bakery.sip.example
  dealerctl can-i users:read --as auditor@acme.example
Exit status: 0 yes, 3 no.";

pub const LOGIN: &str = "Examples:
  dealerctl login --profile prod
  dealerctl login --server https://pbx-mgmt.example.net --email noc@acme.example
Scripts use an API key instead: --token-file FILE or $DEALERCTL_TOKEN.";

pub const LOGOUT: &str = "Examples:
  dealerctl logout --profile prod";

pub const EXPORT: &str = "Examples:
  dealerctl export --under 'Acme Reseller' > acme.yaml
  dealerctl export --under 'Acme Reseller' -o json | jq '.tenants | length'";

pub const APPLY: &str = "Examples:
  dealerctl apply -f acme.yaml --dry-run         (the plan; nothing changes)
  dealerctl apply -f acme.yaml                   (asks before updating, suspending or deleting)
  dealerctl apply -f acme.yaml --prune --yes     (also deletes what the file leaves out)
Exit status: 0 applied (or nothing to do), 3 refused: nothing was changed.";

pub const APIKEY: &str = "Examples:
  dealerctl apikey create nightly-export --permissions dealers:read,tenants:read \\
      --expires-in-days 90 > ~/.config/dealerctl/nightly.key      (the secret, shown once)
  dealerctl get tenants --all -o csv --token-file ~/.config/dealerctl/nightly.key
  dealerctl apikey list
  dealerctl apikey revoke nightly-export";
