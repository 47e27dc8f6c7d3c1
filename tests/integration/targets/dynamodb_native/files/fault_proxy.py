# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A loopback HTTP proxy in front of moto's DynamoDB server that makes it behave like DynamoDB where moto does not.

DynamoDB's own API has no simulator in this project, and moto (../shared/api §3.2) makes restored tables ACTIVE
at once, ignores ListBackups' TimeRange bounds and records a point-in-time restore's RestoreDateTime as the
moment it ran. This proxy forwards every request to moto and, on request:

- drops the connection after forwarding the next N RestoreTable* calls (moto acted, the answer is lost);
- cuts the answer to the next N RestoreTable* calls to its first half (moto acted; the checksum header is
  recomputed, so what the client gets is a short body it cannot read as the answer);
- reports a restored table as CREATING for its first N DescribeTable reads, and refuses TagResource on it
  meanwhile with ResourceInUseException (as DynamoDB does for a table being created);
- refuses the next N TagResource calls with ResourceInUseException;

and always applies ListBackups' TimeRangeLowerBound (inclusive) and TimeRangeUpperBound (exclusive), and shows
the RestoreDateTime a point-in-time restore asked for in RestoreSummary.

Control: POST /_proxy/faults {"drop_restores": n, "truncate_restores": n, "creating_reads": n, "tag_in_use": n}; GET /_proxy/log (the
operations seen, with what the proxy did); POST /_proxy/stop. Bounded: it stops by itself after --lifetime s.

    python fault_proxy.py --upstream http://127.0.0.1:5000 --port-file /tmp/proxy.port [--lifetime 900]
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import os
import threading
import urllib.parse
import zlib

RESTORES = ('RestoreTableFromBackup', 'RestoreTableToPointInTime')
HOP_HEADERS = {'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'host'}


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.faults = {'drop_restores': 0, 'truncate_restores': 0, 'creating_reads': 0, 'tag_in_use': 0}
        self.creating = {}      # table name -> DescribeTable reads left that answer CREATING
        self.restore_times = {}  # table name -> the RestoreDateTime its point-in-time restore asked for
        self.log = []

    def take(self, fault):
        """True (and one less left) when the fault `fault` is armed."""
        with self.lock:
            if self.faults.get(fault, 0) > 0:
                self.faults[fault] -= 1
                return True
            return False


def table_of(value):
    """A table name from a TableName / ResourceArn value (name or ARN)."""
    value = str(value or '')
    return value.split(':table/', 1)[1].split('/', 1)[0] if ':table/' in value else value


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    state = None
    upstream = None
    server_stop = None

    def log_message(self, *_args):
        pass

    def do_GET(self):
        body = self.body()
        if self.path == '/_proxy/log':
            with self.state.lock:
                return self.answer(200, json.dumps(self.state.log).encode(), {'Content-Type': 'application/json'})
        return self.forward(body)

    def do_POST(self):
        body = self.body()
        if self.path == '/_proxy/faults':
            doc = json.loads(body or b'{}')
            with self.state.lock:
                self.state.faults.update({key: int(value) for key, value in doc.items() if key in self.state.faults})
                faults = dict(self.state.faults)
            return self.answer(200, json.dumps(faults).encode(), {'Content-Type': 'application/json'})
        if self.path == '/_proxy/stop':
            self.answer(200, b'{}', {'Content-Type': 'application/json'})
            threading.Thread(target=self.server_stop, daemon=True).start()
            return None
        return self.forward(body)

    def body(self):
        """This request's body (one handler serves every request of a kept-alive connection)."""
        return self.rfile.read(int(self.headers.get('Content-Length') or 0))

    def answer(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, code, message):
        body = json.dumps({'__type': 'com.amazonaws.dynamodb.v20120810#%s' % code, 'message': message}).encode()
        self.answer(400, body, {'Content-Type': 'application/x-amz-json-1.0', 'x-amz-crc32': str(zlib.crc32(body))})

    def record(self, operation, table, action):
        with self.state.lock:
            self.state.log.append({'operation': operation, 'table': table, 'action': action})

    def forward(self, body):
        operation = (self.headers.get('X-Amz-Target') or '').rpartition('.')[2]
        request = json.loads(body) if body and operation else {}
        table = table_of(request.get('TargetTableName') or request.get('TableName') or request.get('ResourceArn'))
        if operation == 'TagResource':
            with self.state.lock:
                creating = self.state.creating.get(table, 0) > 0
            if creating or self.state.take('tag_in_use'):
                self.record(operation, table, 'refused')
                return self.error('ResourceInUseException', 'Attempt to change a resource which is still in use: table %s '
                                  'is being created' % table)
        status, headers, answer = self.upstream_call(body)
        if status == 200 and operation:
            answer = self.adjust(operation, request, table, json.loads(answer or b'{}'))
        if operation in RESTORES and status == 200 and self.state.take('drop_restores'):
            self.record(operation, table, 'dropped')
            self.close_connection = True
            return None  # moto acted; the client never hears of it
        truncated = operation in RESTORES and status == 200 and self.state.take('truncate_restores')
        self.record(operation, table, 'truncated' if truncated else 'forwarded')
        if isinstance(answer, dict):
            answer = json.dumps(answer).encode()
            if truncated:
                answer = answer[:len(answer) // 2]
            if 'x-amz-crc32' in {name.lower() for name in headers}:
                headers = {name: value for name, value in headers.items() if name.lower() != 'x-amz-crc32'}
                headers['x-amz-crc32'] = str(zlib.crc32(answer))
        return self.answer(status, answer, headers)

    def upstream_call(self, body):
        target = urllib.parse.urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        try:
            headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_HEADERS}
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, {name: value for name, value in response.getheaders() if name.lower() not in HOP_HEADERS}, data
        finally:
            connection.close()

    def adjust(self, operation, request, table, answer):
        """What DynamoDB would have answered where moto answers otherwise."""
        state = self.state
        if operation in RESTORES:
            with state.lock:
                if operation == 'RestoreTableToPointInTime' and request.get('RestoreDateTime') is not None:
                    state.restore_times[table] = request['RestoreDateTime']
                if state.faults['creating_reads'] > 0:
                    state.creating[table] = state.faults['creating_reads']
            self.describe(answer.get('TableDescription') or {}, table, count=False)
        elif operation == 'DescribeTable':
            self.describe(answer.get('Table') or {}, table, count=True)
        elif operation == 'DeleteTable':
            with state.lock:
                state.creating.pop(table, None)
                state.restore_times.pop(table, None)
        elif operation == 'ListBackups':
            lower, upper = request.get('TimeRangeLowerBound'), request.get('TimeRangeUpperBound')
            answer['BackupSummaries'] = [summary for summary in answer.get('BackupSummaries', [])
                                         if (lower is None or summary['BackupCreationDateTime'] >= lower)
                                         and (upper is None or summary['BackupCreationDateTime'] < upper)]
        return answer

    def describe(self, description, table, count):
        state = self.state
        with state.lock:
            restored_at = state.restore_times.get(table)
            creating = state.creating.get(table, 0) > 0
            if creating and count:
                state.creating[table] -= 1
        summary = description.get('RestoreSummary')
        if summary is not None and restored_at is not None:
            summary['RestoreDateTime'] = restored_at
        if creating:
            description['TableStatus'] = 'CREATING'
            if summary is not None:
                summary['RestoreInProgress'] = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--upstream', required=True)
    parser.add_argument('--port-file', required=True)
    parser.add_argument('--lifetime', type=float, default=900.0)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    Handler.state, Handler.upstream, Handler.server_stop = State(), args.upstream.rstrip('/'), server.shutdown
    timer = threading.Timer(args.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    temporary = args.port_file + '.tmp'
    with open(temporary, 'w', encoding='utf-8') as port_file:
        port_file.write(str(server.server_address[1]))
    os.replace(temporary, args.port_file)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        timer.cancel()
        server.server_close()


if __name__ == '__main__':
    main()
