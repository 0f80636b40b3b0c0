import { countRequest, emptyCounts } from '../../../tools/cost/requests';

describe('countRequest', () => {
  const endpoints = { s3Port: '4566', dynamodb: '127.0.0.1:8000', sns: '127.0.0.1:4566', sfn: '127.0.0.1:9000', workPrefix: '_work/', uploadsPrefix: 'uploads/' };
  const request = (method: string, host: string, path: string, headers: Record<string, string> = {}) => ({
    method,
    path,
    getHeader: (name: string) => ({ host, ...headers })[name],
  });

  it('sorts S3 requests into their price tiers, leaves out free deletes and tracks PUT bytes by prefix', () => {
    const counts = emptyCounts();
    countRequest(counts, endpoints, request('PUT', 'raw.s3.localhost:4566', '/uploads/a.jpg', { 'content-length': '100' }));
    countRequest(counts, endpoints, request('PUT', 'p.s3.localhost:4566', '/_work/j/master.raw', { 'content-length': '900' }));
    countRequest(counts, endpoints, request('GET', 'p.s3.localhost:4566', '/?list-type=2&prefix=_work%2Fj%2F'));
    countRequest(counts, endpoints, request('GET', 'p.s3.localhost:4566', '/_work/j/master.raw'));
    countRequest(counts, endpoints, request('DELETE', 'p.s3.localhost:4566', '/_work/j/master.raw'));
    countRequest(counts, endpoints, request('POST', 'p.s3.localhost:4566', '/?delete'));
    expect(counts).toMatchObject({ s3Writes: 3, s3Reads: 1, s3PutBytes: { uploads: 100, work: 900, outputs: 0 } });
  });

  it('counts DynamoDB write units per started KB, SNS publishes and Step Functions starts', () => {
    const counts = emptyCounts();
    countRequest(counts, endpoints, request('POST', '127.0.0.1:8000', '/', { 'x-amz-target': 'DynamoDB_20120810.UpdateItem', 'content-length': '2500' }));
    countRequest(counts, endpoints, request('POST', '127.0.0.1:8000', '/', { 'x-amz-target': 'DynamoDB_20120810.PutItem', 'content-length': '300' }));
    countRequest(counts, endpoints, request('POST', '127.0.0.1:4566', '/', { 'content-length': '300' }));
    countRequest(counts, endpoints, request('POST', '127.0.0.1:9000', '/', { 'x-amz-target': 'AWSStepFunctions.StartExecution' }));
    expect(counts).toMatchObject({ dynamoWriteUnits: 4, dynamoLargestWriteBytes: 2500, snsPublishes: 1, sfnStarts: 1 });
  });
});
