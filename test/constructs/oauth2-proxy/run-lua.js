// Runs a gateway Lua filter in a real Lua VM (wasmoon) against a stand-in for Envoy's header map,
// the way Envoy calls envoy_on_request. Input on stdin: { lua, headers }; output: the headers left.
// A plain Node process, because wasmoon loads its WebAssembly through a dynamic import that
// Jest's module sandbox does not allow.
const { LuaFactory } = require('wasmoon');

let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', async () => {
  const { lua: code, headers } = JSON.parse(input);
  const lua = await new LuaFactory().createEngine();
  try {
    // Build the request's headers as a plain Lua table (JS objects reach Lua as proxies).
    const entries = Object.entries(headers)
      .map(([k, v]) => `[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
      .join(', ');
    await lua.doString(code);
    await lua.doString(`
      store = { ${entries} }
      local map = setmetatable({}, { __pairs = function() return next, store, nil end })
      function map:remove(name) store[name] = nil end
      envoy_on_request({ headers = function() return map end })
      local left = {}
      for k, v in pairs(store) do table.insert(left, k .. "\\n" .. v) end
      table.sort(left)
      out = table.concat(left, "\\n")
    `);
    const out = lua.global.get('out');
    const lines = out ? out.split('\n') : [];
    const result = {};
    for (let i = 0; i < lines.length; i += 2) result[lines[i]] = lines[i + 1];
    process.stdout.write(JSON.stringify(result));
  } finally {
    lua.global.close();
  }
});
