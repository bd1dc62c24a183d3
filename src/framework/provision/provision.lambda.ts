// The provisioning API's handler (API Gateway REST proxy events); being written for #4.
export async function handler(): Promise<{ statusCode: number; body: string }> {
  return { statusCode: 501, body: JSON.stringify({ message: 'Not implemented yet' }) };
}
