package realstyle

// The word lists and sentence templates the generator draws from, all
// written for this benchmark. A template's {key} is filled by
// writer.fill: {svc} the report's service, {cluster} its host prefix,
// {host} one of the report's hosts, {otherhost} a host of another
// cluster, {up} a neighbouring service, {person} a responder, {team} a
// team, {n} a small number, {big} a large one, {time} a clock time,
// {alert} one of the report's alert names, {cmd} a quoted command, {err}
// the error string the report quotes, {dash} a dashboard address,
// {task} a task id, {comp} a component, {site} a data centre, {thing} a
// noun of the trade.

// baseServices are the named services: name and host prefix (the
// cluster name hosts carry, as in db2157 or lvs1019).
var baseServices = [][2]string{
	{"sessionstore", "sessionstore"}, {"lvs", "lvs"}, {"mysql-s1", "db"},
	{"mysql-s4", "dbs4"}, {"mysql-x2", "dbx"}, {"memcached", "mc"},
	{"kafka-main", "kafka-main"}, {"kafka-logging", "kafka-logging"},
	{"elasticsearch", "elastic"}, {"swift", "ms-be"}, {"thumbor", "thumbor"},
	{"etcd", "conf"}, {"kubernetes-api", "kubemaster"}, {"maps", "maps"},
	{"wdqs", "wdqs"}, {"restbase", "restbase"}, {"cassandra-aqs", "aqs"},
	{"appservers", "mw"}, {"api-appservers", "mwapi"}, {"jobrunners", "jobrunner"},
	{"varnish-text", "cp"}, {"dns-recursors", "dns"}, {"authdns", "authdns"},
	{"ldap", "ldap"}, {"gerrit", "gerrit"}, {"phabricator", "phab"},
	{"logstash", "logstash"}, {"prometheus", "prometheus"}, {"grafana", "grafana"},
	{"hadoop-workers", "an-worker"}, {"druid", "druid"}, {"ganeti", "ganeti"},
	{"redis-sessions", "rdb"}, {"postgres-maps", "pgmaps"}, {"ceph-rbd", "cephosd"},
	{"mail-relay", "mx"}, {"puppetserver", "puppetserver"}, {"bastion", "bast"},
	{"object-cache", "objcache"}, {"search-loader", "search-loader"},
}

// Syllables for the services of larger archives: ashket-db, hosts ashketdb1004.
var (
	svcHeads = []string{"ash", "bram", "cor", "dun", "fen", "gale", "har", "iv", "jor", "kel",
		"lum", "mor", "nor", "orv", "pel", "quin", "ros", "sil", "tam", "ul", "vor", "wen",
		"yar", "zel", "bex", "cal", "dra", "eld", "fro", "grim"}
	svcTails = []string{"ket", "dor", "wick", "stone", "bury", "mere", "ford", "gate", "hold",
		"reach", "moor", "vale"}
	svcRoles = []string{"", "-api", "-db", "-cache", "-worker"}
)

var teams = []string{"serviceops", "data-persistence", "traffic", "search-platform",
	"observability", "infrastructure-foundations", "data-platform", "ml-team",
	"collaboration-services", "cloud-services", "storage", "identity"}

// sites and the first digit of their hosts' numbers.
var sites = []string{"eqiad", "codfw", "esams", "ulsfo", "eqsin", "drmrs", "magru"}

var firstNames = []string{"Aino", "Bartek", "Carmen", "Dmitri", "Efua", "Femi", "Greta",
	"Hamid", "Ines", "Joost", "Kamala", "Lior", "Mateo", "Noor", "Oskar", "Priya",
	"Radu", "Saskia", "Teodor", "Ulla", "Valeria", "Wiktor", "Ximena", "Yannick",
	"Zainab", "Arvid", "Bongani", "Clio", "Duarte", "Esme"}
var lastNames = []string{"Achterberg", "Brannigan", "Castellano", "Dimitrov", "Eriksen",
	"Fonseca", "Grünewald", "Halloran", "Ivanova", "Jankowski", "Kaur", "Lindqvist",
	"Mbeki", "Nakashima", "Okafor", "Petrescu", "Quaresma", "Rautio", "Szabo", "Tremblay"}

var triggers = []string{"deploy", "config-change", "upgrade", "traffic", "hardware",
	"network", "dependency", "expiry", "other"}
var modes = []string{"fast-fail", "overload", "slow-backend", "degraded", "data-loss"}

// triggerLines say what set a report off; a repeat often has another
// trigger than the report it repeats.
var triggerLines = map[string][]string{
	"deploy":        {"The first symptoms followed a routine deploy of {up} by {person}.", "A release of {svc} went out at {time}, and the graphs turned a few minutes later."},
	"config-change": {"{person} had merged a configuration change for {cluster} hosts shortly before.", "A puppet change touching {comp} settings reached {host} at {time}."},
	"upgrade":       {"The {cluster} hosts had been upgraded to a new kernel the day before.", "An upgrade of {comp} on {host} had just finished when the alerts started."},
	"traffic":       {"Traffic from a single crawler rose to {big} requests per second.", "A news event sent {n} times the usual traffic to {svc}."},
	"hardware":      {"{host} lost a disk controller in the middle of the afternoon.", "A switch in row {n} of {site} dropped half of its ports."},
	"network":       {"A transit link of {site} flapped {n} times within ten minutes.", "Packet loss between {site} and the core sites climbed to {n}%."},
	"dependency":    {"{up} slowed down first, and {svc} followed.", "An outage of {up} left {svc} waiting on every call."},
	"expiry":        {"A credential that {svc} uses to reach {up} ran out at midnight.", "The certificate on {host} reached its expiry date over the weekend."},
	"other":         {"Nothing obvious had changed when the first alert came in.", "The start could not be tied to any change in the logs."},
}

// mechanism is a way for a service to fail, told in sentences that a
// report about it uses a few of.
type mechanism struct {
	name    string
	causes  []string
	trigger string
	mode    string
	lines   []string // the mechanism, in prose
	errs    []string // error strings and log lines the mechanism leaves
	alerts  []string // alert name suffixes; the alert is the cluster's name in CamelCase with one
	cmds    []string // commands responders run against it
}

var mechanisms = []mechanism{
	{"connection-exhaustion", []string{"connection-limit", "pool-exhaustion"}, "traffic", "overload", []string{
		"Every worker on {host} ended up holding a connection that never came back to the pool.",
		"The client-side pool for {svc} had a ceiling of {n} connections per process, and all of them were busy.",
		"New requests to {svc} waited for a free connection until their own deadline passed.",
		"Raising the pool size on {cluster} hosts only moved the queue somewhere else.",
		"Once the pools were drained, {svc} recovered without any further action.",
		"The connection count on {host} sat flat at its maximum for the whole incident.",
	}, []string{"ERR max number of clients reached ({big})", "connection pool exhausted after {n}s wait", "accept4: too many open files"},
		[]string{"ConnectionsSaturated", "PoolExhausted"}, []string{"ss -tnp state established | wc -l", "sudo systemctl restart {cluster}-proxy"}},
	{"quorum-loss", []string{"quorum", "consensus"}, "dependency", "fast-fail", []string{
		"Two members of the {cluster} ensemble restarted within seconds of each other and the cluster lost quorum.",
		"Without a quorum, {svc} refused every write and served only stale reads.",
		"The remaining member on {host} kept electing itself and stepping down again.",
		"Bringing the members back one at a time, waiting for each to sync, restored quorum.",
		"Clients of {svc} froze their configuration while the leader was missing.",
		"A leader election on {svc} took {n} minutes instead of the usual seconds.",
	}, []string{"raft: no leader elected, term {big}", "lost quorum: 1 of 3 members reachable", "rejected write: cluster is read-only"},
		[]string{"NoLeader", "QuorumLost"}, []string{"sudo -i {cluster}ctl member list", "sudo systemctl restart {cluster}"}},
	{"disk-full", []string{"disk-space", "logging"}, "other", "degraded", []string{
		"The data partition of {host} filled up with log files nobody was rotating.",
		"With no space left, {svc} stopped accepting writes but kept answering reads.",
		"Deleting old log archives on {cluster} hosts freed enough space to resume.",
		"Log rotation for {svc} had been switched off during a migration and never switched back on.",
		"A debug log level left on {host} wrote {n} GB an hour.",
	}, []string{"No space left on device (errno 28)", "write failed: ENOSPC on /srv", "filesystem /srv is 100% full"},
		[]string{"DiskSpaceLow", "DiskFull"}, []string{"df -h /srv", "sudo du -sh /var/log/{cluster}/*"}},
	{"cert-expiry", []string{"certificate-expiry", "tls"}, "expiry", "fast-fail", []string{
		"The TLS certificate served by {cluster} hosts had expired.",
		"Clients of {svc} refused the handshake and reported an expired certificate.",
		"The renewal job for {svc} had been failing quietly for {n} days.",
		"Issuing a new certificate by hand and reloading {host} restored the service.",
		"Nothing alerted on the approaching expiry of the certificate for {svc}.",
	}, []string{"x509: certificate has expired or is not yet valid", "SSL_ERROR_EXPIRED_CERT_ALERT", "tls: bad certificate (expired {n} hours ago)"},
		[]string{"CertificateExpiry", "TLSHandshakeErrors"}, []string{"openssl s_client -connect {host}:443 </dev/null", "sudo systemctl reload {cluster}-tls"}},
	{"memory-leak", []string{"memory-leak", "oom"}, "deploy", "degraded", []string{
		"Resident memory of the {svc} processes grew by about {n} MB an hour until the kernel killed them.",
		"The OOM killer picked the {svc} daemon on {host} several times in a row.",
		"Each restart bought a few hours before memory climbed again.",
		"The leak came from a cache inside {svc} that was never trimmed.",
		"Canary hosts looked healthy because the leak only showed after a day.",
	}, []string{"Out of memory: Killed process {big} ({cluster})", "java.lang.OutOfMemoryError: Java heap space", "oom-kill: constraint=CONSTRAINT_NONE"},
		[]string{"MemoryHigh", "OOMKills"}, []string{"sudo journalctl -k | grep -i oom", "sudo systemctl restart {cluster}"}},
	{"retry-amplification", []string{"retry-storm", "timeouts"}, "traffic", "overload", []string{
		"Clients of {svc} retried each timed-out call up to {n} times, multiplying the load.",
		"The retries arrived in waves, each bigger than the one before.",
		"No layer between {up} and {svc} limited how much work one request could cause.",
		"Timeouts in {up} were longer than those in {svc}, so work continued after the caller gave up.",
		"Turning off retries in {up} let {svc} drain its queues.",
	}, []string{"upstream request timeout after {n}000ms (retry {n}/5)", "504 Gateway Timeout from {host}", "context deadline exceeded"},
		[]string{"HighLatency", "RequestTimeouts"}, []string{"sudo -u www-data {cluster}-ctl retries off", "curl -s localhost:9090/metrics | grep retries"}},
	{"cache-stampede", []string{"cache-stampede", "thundering-herd"}, "deploy", "overload", []string{
		"A purge emptied the {svc} cache and every request went straight to the backends.",
		"The hit ratio on {cluster} hosts fell from above ninety percent to {n} percent in a minute.",
		"Backends behind {svc} saturated while the cache filled again.",
		"Many clients asked for the same missing object at once, and each one went to the origin.",
		"Request coalescing, which would have merged those fetches, was off on {host}.",
	}, []string{"cache miss storm: {big} misses/s", "backend fetch failed: too many concurrent fetches", "503 Backend fetch failed"},
		[]string{"HitRatioLow", "BackendSaturated"}, []string{"varnishstat -1 | grep cache_miss", "sudo {cluster}-purge --dry-run"}},
	{"replication-lag", []string{"replication-lag", "slow-queries"}, "traffic", "slow-backend", []string{
		"Replication on {host} fell {big} seconds behind its primary.",
		"Reads that went to lagging replicas of {svc} returned old data, and writers saw their own edits vanish.",
		"A long-running batch query held locks that the replication thread needed.",
		"Depooling the lagging replicas of {cluster} let the rest catch up.",
		"The load balancer for {svc} kept sending reads to replicas that were minutes behind.",
	}, []string{"Seconds_Behind_Master: {big}", "replica lag too high, depooling {host}", "Lock wait timeout exceeded; try restarting transaction"},
		[]string{"ReplicationLag", "ReplicaDelayed"}, []string{"sudo mysql -e 'SHOW SLAVE STATUS\\G'", "sudo dbctl instance {host} depool"}},
	{"bgp-withdrawal", []string{"bgp", "routing"}, "network", "fast-fail", []string{
		"A router change withdrew the prefixes announced for {site}.",
		"Traffic meant for {site} was dropped until the announcement came back.",
		"Users routed through {site} could not reach {svc} at all.",
		"The routing policy on the edge routers did not match what the automation expected.",
		"Restoring the previous router configuration brought the sessions back up within minutes.",
	}, []string{"BGP session to peer {n}.{n}.{n}.1 went Idle", "%BGP-5-ADJCHANGE: neighbor Down", "no route to host {host}"},
		[]string{"BGPSessionDown", "PrefixWithdrawn"}, []string{"show bgp summary", "show route advertising-protocol bgp"}},
	{"dns-records", []string{"dns", "config-change"}, "config-change", "fast-fail", []string{
		"A zone change removed the records that pointed clients at {svc}.",
		"Resolvers kept the negative answer for {n} minutes after the records were back.",
		"Clients of {svc} failed with name resolution errors.",
		"The zone file passed its syntax check even though a record was missing.",
	}, []string{"NXDOMAIN for {cluster}.svc.{site}.example.net", "dial tcp: lookup {host}: no such host", "SERVFAIL from recursor"},
		[]string{"DNSResolutionFailures", "ZoneRecordsMissing"}, []string{"dig +short {cluster}.svc.{site}.example.net", "sudo authdns-update"}},
	{"queue-backlog", []string{"queue-backlog", "consumer-lag"}, "dependency", "degraded", []string{
		"Consumers of {svc} fell behind and the backlog reached {big} thousand messages.",
		"Jobs put on {svc} ran hours after they were queued.",
		"A partition leader on {host} stalled and producers blocked behind it.",
		"Adding consumers did not help, because one partition held most of the work.",
		"The backlog drained on its own once the slow partition moved to another broker.",
	}, []string{"consumer group lag {big} on partition {n}", "NotLeaderForPartitionException", "producer send timed out after {n}s"},
		[]string{"ConsumerLag", "BacklogGrowing"}, []string{"kafka-consumer-groups --describe --group {cluster}", "kafka preferred-replica-election"}},
	{"gc-pauses", []string{"gc-pauses", "jvm"}, "traffic", "slow-backend", []string{
		"Garbage collection pauses on {host} grew to {n} seconds.",
		"During each pause {svc} stopped answering and the load balancer marked it down.",
		"The heap of {svc} was sized for half the data it now held.",
		"Nodes left and rejoined the cluster as their pauses outlasted the health checks.",
		"A larger heap on the {cluster} hosts ended the pauses.",
	}, []string{"[GC (Allocation Failure) {big}K->{big}K, {n}.{n} secs]", "node {host} left the cluster: ping timeout", "circuit_breaking_exception: [parent] Data too large"},
		[]string{"GCPauseLong", "NodeFlapping"}, []string{"jstat -gcutil $(pgrep -f {cluster}) 1000", "curl -s {host}:9200/_cat/nodes"}},
	{"mesh-route-drop", []string{"mesh-routing", "config-validation"}, "upgrade", "fast-fail", []string{
		"After the upgrade the sidecar proxy dropped route rules whose host names overlapped.",
		"Calls from {up} to {svc} through the mesh failed with 503 at once.",
		"The stricter validation in the new proxy version ignored one of two overlapping rules without saying so.",
		"Only callers that used the public name of {svc} lost their route.",
	}, []string{"no healthy upstream", "route_not_found: virtual host {cluster}", "upstream connect error or disconnect/reset before headers"},
		[]string{"MeshUpstream5xx", "RouteNotFound"}, []string{"istioctl proxy-config routes {host}", "kubectl -n {cluster} rollout restart deploy"}},
	{"null-response", []string{"api-contract-change", "unhandled-error"}, "deploy", "fast-fail", []string{
		"A release of {svc} started to answer some requests with a null instead of an error.",
		"A client in {up} threw an exception on the null and broke the whole page.",
		"Pages that embed data from {svc} stopped rendering on the affected wikis.",
		"Rolling back took longer than planned because the old image was no longer cached.",
	}, []string{"TypeError: Cannot read properties of null (reading 'score')", "unexpected null in response from {cluster}", "PHP Fatal error: Uncaught TypeError"},
		[]string{"ErrorRateHigh", "Client5xx"}, []string{"scap deploy-revert {cluster}", "helmfile -e {site} apply"}},
	{"power-loss", []string{"hardware-failure", "power"}, "hardware", "degraded", []string{
		"A power strip in rack {n} of {site} failed and took its hosts down together.",
		"Several {cluster} hosts sat in the same rack, against the placement plan.",
		"The surviving hosts of {svc} carried the load but ran close to their limits.",
		"On-site staff moved the hosts to another feed before the strip was replaced.",
	}, []string{"PSU {n} failed, input voltage lost", "host {host} unreachable (ping loss 100%)", "ipmi: chassis power fault"},
		[]string{"HostDown", "PowerSupplyFailed"}, []string{"sudo ipmitool chassis status", "sudo cookbook sre.hosts.reboot {host}"}},
	{"rate-limit-misfire", []string{"rate-limiting", "config-change"}, "config-change", "fast-fail", []string{
		"A new rate limit for {svc} counted requests per data centre instead of per client.",
		"Legitimate clients of {svc} got 429 answers as soon as the limit came into force.",
		"The limit had been tested against a replay of a quiet hour.",
		"Raising the limit on the {cluster} hosts stopped the 429s.",
	}, []string{"429 Too Many Requests (limit {big}/min)", "rate limit exceeded for key {site}", "ratelimit: over_limit=true"},
		[]string{"Too Many429", "RateLimited"}, []string{"curl -sI https://{cluster}.example.org/ | head -1", "sudo {cluster}-ratelimit show"}},
	{"schema-migration-lock", []string{"schema-change", "locking"}, "deploy", "slow-backend", []string{
		"A schema change on {svc} took a table lock that blocked every write.",
		"Writers piled up behind the lock on {host} until the application ran out of threads.",
		"The migration had run in seconds on the test copy, which held a fraction of the rows.",
		"Killing the ALTER statement released the lock and writes resumed.",
	}, []string{"Waiting for table metadata lock", "ER_LOCK_WAIT_TIMEOUT", "Too many connections ({n}00)"},
		[]string{"WritesBlocked", "ThreadsRunningHigh"}, []string{"sudo mysql -e 'SHOW PROCESSLIST'", "sudo pt-kill --match-info ALTER --kill"}},
	{"clock-skew", []string{"clock-skew", "ntp"}, "other", "degraded", []string{
		"The clock on {host} drifted {n} seconds ahead after its time source went away.",
		"Tokens issued by {svc} on the drifting host were rejected as not yet valid.",
		"Only requests that happened to reach {host} failed, which made the errors look random.",
		"Pointing the {cluster} hosts at a working time source fixed the drift.",
	}, []string{"token used before issued (iat in the future)", "chrony: no selectable sources", "clock skew detected: {n}s"},
		[]string{"ClockSkew", "NTPUnsynced"}, []string{"chronyc tracking", "sudo systemctl restart chrony"}},
	{"thread-deadlock", []string{"deadlock", "concurrency"}, "upgrade", "degraded", []string{
		"Worker threads in {svc} waited on each other and the process stopped serving without crashing.",
		"Health checks on {host} still passed, since they ran on a thread outside the pool.",
		"A thread dump showed every worker blocked on the same lock.",
		"Restarting the stuck processes worked until the next burst of traffic.",
	}, []string{"Found one Java-level deadlock", "all {n} workers busy, queue full", "watchdog: worker pool stalled for {n}s"},
		[]string{"WorkersStalled", "QueueFull"}, []string{"jstack $(pgrep -f {cluster}) > /tmp/dump.txt", "sudo systemctl restart {cluster}"}},
	{"scraper-overload", []string{"scraper-traffic", "abuse"}, "traffic", "overload", []string{
		"A few clients requested expensive pages of {svc} at {big} requests a minute.",
		"The expensive requests bypassed the cache and landed on the {cluster} hosts.",
		"Blocking the clients by their user agent brought load back down.",
		"The requests came from cloud address ranges that changed every few minutes.",
	}, []string{"GET /w/index.php?action=history&limit=5000 200 {n}s", "user agent python-requests/2.{n} blocked", "requestctl: rule {cluster}-scrapers enabled"},
		[]string{"RequestRateHigh", "ExpensiveRequests"}, []string{"sudo requestctl enable {cluster}-scrapers", "sudo tail -f /var/log/{cluster}/access.log"}},
}

// Filler: what every report says one way or another, with enough words
// in the slots that no two reports say it the same.
var fillerTemplates = []string{
	"{person} {looked} the {graph} for {host} and {found}.",
	"At {time}, {person} {proposed}.",
	"Around {time} the {graph} of {svc} {trend}.",
	"{person} and {person} {discussed} on the incident channel while {person} {looked} the {graph} of {up}.",
	"It took some time to tell whether {comp} on {otherhost} was involved; {found}.",
	"The {thing} for {svc} {stateOfDocs}.",
	"{team} joined the call at {time} because {up} depends on {svc}.",
	"A message on the status page went out at {time}, {n} minutes after the first report from users.",
	"Someone suggested failing over to {site}, but {person} {objected}.",
	"{person} {proposed}, which {outcome}.",
	"The on-call engineer first thought of {comp}, since {otherhost} had a {thing} open from the week before.",
	"Error rates for {up} {trend}, which in hindsight was a side effect rather than a cause.",
	"By {time} the responders had ruled out {comp} and the network between {site} and the other sites.",
	"Several people {looked} the {graph} at the same time and reached different conclusions.",
	"{person} kept notes in the incident document and {person} handled the communication with users.",
	"The {thing} was updated after the incident with what the responders learned.",
	"Users reported slow pages and failed saves on the community channels before any alert fired.",
	"The impact on {up} was smaller than first feared, about {n} percent of its requests.",
	"{person} checked {dash} and saw that the {graph} {trend}.",
	"One idea was to depool {otherhost}, but the {comp} there looked healthy.",
	"Another team was running maintenance on {comp} in {site} at the time, which confused the picture.",
	"A similar-looking alert for {otherhost} turned out to be noise from a flapping check.",
	"The investigation moved slowly because the logs of {host} were rotated every hour.",
	"{person} was travelling and answered the page from a train, which delayed the first response by {n} minutes.",
	"Once the cause was clear, the fix itself took only a few minutes.",
}

var (
	looked      = []string{"looked at", "pulled up", "compared", "went through", "scrolled back through", "shared a screenshot of", "annotated", "zoomed out on"}
	graphs      = []string{"latency panel", "saturation graph", "error budget burn chart", "request rate graph", "p99 latency dashboard", "CPU heatmap", "connection count graph", "network throughput panel", "log volume graph", "queue depth chart"}
	founds      = []string{"saw nothing unusual", "found a gap in the metrics", "noticed that the p99 had doubled", "found the first errors a few minutes earlier than the alert", "could not find anything that lined up", "saw a step change at the hour", "found that one host behaved differently from the rest", "noticed the graphs were missing data for that window"}
	proposeds   = []string{"proposed a rollback of the last change", "suggested draining traffic from the site", "asked for a second pair of eyes", "proposed to restart the affected hosts one by one", "suggested raising the timeouts temporarily", "asked whether anyone had touched the firewall", "proposed to pause the deployment train", "suggested paging the owning team"}
	trends      = []string{"climbed steadily", "jumped within a minute", "went flat", "oscillated every few minutes", "dropped to zero", "crept up over an hour", "spiked and fell back", "became noisy"}
	discusseds  = []string{"compared notes", "argued about the timeline", "tried to reproduce the errors", "went through recent changes", "split up the remaining suspects", "drafted the status message"}
	objecteds   = []string{"pointed out that the other site was already busy", "argued it would double the load elsewhere", "wanted to understand the cause first", "noted that the failover itself was untested"}
	outcomes    = []string{"helped for a few minutes", "made no visible difference", "brought the error rate down by half", "turned out to be unnecessary", "bought enough time to find the cause", "had to be reverted later"}
	stateOfDocs = []string{"was out of date", "did not cover this case", "pointed at a host that no longer existed", "was followed step by step", "had been rewritten a month before", "was missing entirely"}
	components  = []string{"the load balancer", "the connection pool", "the kernel", "the TLS terminator", "the config store", "the service mesh", "the job queue", "the object cache", "the resolver", "the firewall", "the storage array", "the deploy tooling", "the metrics pipeline", "the container runtime", "the session layer", "the search index"}
	things      = []string{"runbook", "task", "dashboard", "alert rule", "wiki page", "capacity plan", "change request"}
)

// Timeline lines, besides the mechanism's own.
var timelineTemplates = []string{
	"`{alert}` fires for {host}.",
	"{person} acknowledges the page.",
	"{person} becomes incident coordinator.",
	"`{alert}` fires for {host} and {host}.",
	"{person} runs `{cmd}` on {host}.",
	"Log on {host} shows `{err}`.",
	"{person} opens {task} for the follow-up.",
	"Status page updated.",
	"{team} paged.",
	"{person} depools {host}.",
	"{person} repools {host}.",
	"Error rate of {svc} back to normal on {dash}.",
	"`{alert}` resolves.",
	"{person} posts a summary in the incident channel.",
	"{up} latency elevated.",
}

// Repeats in words, with {ref} the earlier report's id, {refdate} its day
// and {reftask} its task.
var repeatLines = []string{
	"A previous incarnation of this occurred on {refdate}, see {ref}.",
	"This is likely (at least) similar to {ref}.",
	"We had seen the same failure before: {ref}.",
	"The same thing happened on {refdate} ({ref}), and its follow-up {reftask} was never finished.",
	"Follow-up work continues in {reftask}, the task opened after the earlier occurrence.",
	"The {cluster} hosts ended up in the same state as described in {ref}.",
	"This looks almost identical to what happened on {refdate}.",
}

// Unrelated in words: a report that names an earlier one to set it apart.
var unrelatedLines = []string{
	"At first this looked like {ref}, but it turned out to be unrelated.",
	"{ref} also involved {svc}; it is not related to this incident.",
	"Someone asked whether this was a repeat of {ref}. It was not: the cause there was different.",
	"Despite the similar symptoms, this has nothing to do with {ref}.",
}

var titleTemplates = []string{
	"{svc} outage", "{svc} unavailable", "Elevated errors on {svc}", "{cluster} hosts unreachable",
	"{svc} latency", "Partial outage of {svc}", "{svc} degraded in {site}", "Errors from {svc} after {thing} change",
	"{svc} returned 5xx", "Slow responses from {svc}",
}

// titleBare is for reports whose title names no service, as some do.
var titleBare = []string{"Site-wide errors", "Partial outage of the edit path", "Slow page loads",
	"Login failures", "Elevated 5xx at the edge", "Saves failing for some users", "Intermittent errors"}

var impactTemplates = []string{
	"Users saw errors from {svc} for about {n} minutes.",
	"About {n} percent of requests to {svc} failed.",
	"Editors could not save while {svc} was down.",
	"Internal tools that depend on {svc} were unavailable.",
}

var actionTemplates = []string{
	"Alert on {svc} saturation before it reaches its limit",
	"Write down the recovery steps for {cluster} hosts",
	"Spread {cluster} hosts across racks in {site}",
	"Review timeouts between {up} and {svc}",
	"Add a canary stage for {svc} releases",
	"Automate the check that failed silently",
}
