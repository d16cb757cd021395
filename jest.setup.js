// Tests talk only to servers on 127.0.0.1. azure-devops-node-api sends traffic through
// HTTP_PROXY/HTTPS_PROXY when they are set, which would carry loopback requests off the machine.
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) {
  delete process.env[name];
}
