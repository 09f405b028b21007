package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fault is what the proxy does with one request.
type fault int

const (
	// pass forwards the request and returns DynamoDB's reply.
	pass fault = iota
	// fail500 answers HTTP 500 without forwarding: nothing is written.
	fail500
	// forward500 forwards the request, so DynamoDB applies it, and
	// answers HTTP 500 instead of the reply: a lost reply.
	forward500
	// forwardReset forwards the request and then resets the connection.
	forwardReset
	// forwardHang forwards the request and holds the reply until the
	// client gives up.
	forwardHang
)

// dynamoDB500 is DynamoDB's error document for an internal failure.
const dynamoDB500 = `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected by the test proxy"}`

// faultProxy sits between the function and moto_server on a free loopback
// port. Each request takes the next fault of the queue; when the queue is
// empty, it gets the default fault.
//
// It also works around a moto 5.2.1 defect, in the harness and never in
// the function: when TransactWriteItems names the table by ARN and the
// transaction is cancelled, moto keeps the puts that passed their
// condition (DynamoDB writes none), because its rollback snapshot is keyed
// by the bare table name. The proxy rewrites the ARN to the table's name in
// TransactWriteItems bodies before forwarding them (moto checks no
// signature); TestE2EMotoRollbackWorkaroundIsInEffect shows the defect
// without the rewrite and its absence with it.
type faultProxy struct {
	URL    string
	target string

	mu       sync.Mutex
	queue    []fault
	fallback fault
	requests int
	// keepARN turns the rewrite off, to show the defect.
	keepARN bool
	// rewritten counts the TransactWriteItems bodies rewritten.
	rewritten int
	// failMatching, when set, answers every request whose body contains
	// it with fail500, whatever the queue says: a write that fails on
	// every delivery.
	failMatching string
}

// newFaultProxy starts a proxy to target, stopped when the test ends.
func newFaultProxy(t *testing.T, target string, queue ...fault) *faultProxy {
	t.Helper()
	p := &faultProxy{target: target, queue: queue}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// set replaces the queue and the default fault.
func (p *faultProxy) set(fallback fault, queue ...fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fallback, p.queue = fallback, queue
}

// count returns how many requests the proxy has received.
func (p *faultProxy) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

func (p *faultProxy) next() fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	if len(p.queue) == 0 {
		return p.fallback
	}
	f := p.queue[0]
	p.queue = p.queue[1:]
	return f
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := p.next()
	p.mu.Lock()
	match := p.failMatching
	p.mu.Unlock()
	if match != "" {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(match)) {
			f = fail500
		}
	}
	if f == fail500 {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, dynamoDB500)
		return
	}
	status, header, body, err := p.forward(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	switch f {
	case forward500:
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, dynamoDB500)
	case forwardReset:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		if tcp, ok := conn.(*net.TCPConn); ok {
			tcp.SetLinger(0) // close with RST, not FIN
		}
		conn.Close()
	case forwardHang:
		<-r.Context().Done()
	default:
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		w.Write(body)
	}
}

// forward sends r to moto_server and reads the whole reply. It does not
// stop when the client gives up: the write goes through either way, as it
// would in DynamoDB.
func (p *faultProxy) forward(r *http.Request) (int, http.Header, []byte, error) {
	in, err := io.ReadAll(r.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".TransactWriteItems") {
		if in, err = p.tableNamesForMoto(in); err != nil {
			return 0, nil, nil, err
		}
	}
	out, err := http.NewRequestWithContext(context.Background(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(in))
	if err != nil {
		return 0, nil, nil, err
	}
	out.Header = r.Header.Clone()
	out.Header.Del("Content-Length")
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body, err
}

// tableNamesForMoto rewrites each table ARN in a TransactWriteItems body to
// the table's name (see faultProxy), unless keepARN is set.
func (p *faultProxy) tableNamesForMoto(body []byte) ([]byte, error) {
	p.mu.Lock()
	keep := p.keepARN
	p.mu.Unlock()
	if keep {
		return body, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var req map[string]any
	if err := dec.Decode(&req); err != nil {
		return nil, err
	}
	items, _ := req["TransactItems"].([]any)
	for _, it := range items {
		actions, _ := it.(map[string]any)
		for _, a := range actions {
			action, _ := a.(map[string]any)
			if name, ok := action["TableName"].(string); ok {
				if _, table, found := strings.Cut(name, ":table/"); found && strings.HasPrefix(name, "arn:") {
					action["TableName"] = table
				}
			}
		}
	}
	p.mu.Lock()
	p.rewritten++
	p.mu.Unlock()
	return json.Marshal(req)
}

// rewrites returns how many TransactWriteItems bodies the proxy rewrote.
func (p *faultProxy) rewrites() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rewritten
}
