/** Errors carry their exit code (the shell's contract) and a class a service maps to an HTTP status. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BatfishAnswerError,
  BatfishHttpError,
  BatfishTimeoutError,
  BatfishUnreachableError,
  BatfishWorkError,
  DockerError,
  ExitCode,
  HTTP_STATUS_OF_CLASS,
  InputError,
  InternalError,
  InterruptedError,
  OutputError,
  httpStatusOf,
} from '../../src/errors.js';

describe('error classes', () => {
  const cases: Array<[Error, number, string, number]> = [
    [new InputError('no such site'), ExitCode.usage, 'invalid-request', 422],
    [new BatfishHttpError('GET', 'http://b/v2/x', 500, 'java.lang.RuntimeException'), ExitCode.batfish, 'batfish-failed', 502],
    [new BatfishWorkError('parse failed', 'id', 'TERMINATEDABNORMALLY'), ExitCode.batfish, 'batfish-failed', 502],
    [new BatfishAnswerError('not a table'), ExitCode.batfish, 'batfish-failed', 502],
    [new BatfishUnreachableError('http://b', 'ECONNREFUSED'), ExitCode.batfish, 'batfish-unavailable', 503],
    [new BatfishTimeoutError('http://b', 'GET /v2/x', 1000, true), ExitCode.batfish, 'batfish-timeout', 504],
    [new DockerError('no engine'), ExitCode.docker, 'docker-failed', 503],
    [new OutputError('disk full'), ExitCode.output, 'output-failed', 500],
    [new InterruptedError('SIGTERM'), ExitCode.terminated, 'interrupted', 499],
    [new InternalError('a bug'), ExitCode.internal, 'internal', 500],
  ];
  for (const [error, exitCode, errorClass, status] of cases) {
    it(`${error.constructor.name}: exit ${exitCode}, ${errorClass}, HTTP ${status}`, () => {
      const e = error as InputError;
      assert.equal(e.exitCode, exitCode);
      assert.equal(e.errorClass, errorClass);
      assert.equal(httpStatusOf(error), status);
    });
  }

  it('anything else thrown is a bug: HTTP 500', () => {
    assert.equal(httpStatusOf(new TypeError('x')), 500);
    assert.equal(httpStatusOf('a string'), 500);
  });

  it('every class has a status, every error status is one', () => {
    for (const status of Object.values(HTTP_STATUS_OF_CLASS)) assert.ok(status >= 400 && status < 600);
  });
});
