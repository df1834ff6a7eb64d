/**
 * Runs Argo CD Lua scripts with the real `lua5.1`: a JS value becomes a Lua table literal
 * bound to the global `obj`, the script runs under a sandbox close to Argo CD's (no io, no
 * global os, no loadfile/dofile; `require("os")` still works), and its result comes back as
 * JSON written by a small Lua encoder.
 */
import { execFileSync } from 'node:child_process';

function luaString(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b}`; // Lua 5.1 decimal escape; keeps UTF-8 bytes exact
  }
  return out + '"';
}

/**
 * A Lua expression for a JSON-like value. JSON null becomes `nil` (an absent key, as Argo CD
 * decodes it); arrays become sequences; object keys are always `["key"]`.
 *
 * @example
 * toLua({ a: [1, 'x"y'], b: null, c: true }) // => '{["a"]={1,"x\\"y"},["b"]=nil,["c"]=true}'
 */
export function toLua(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return luaString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a JSON number: ${v}`);
    return Object.is(v, -0) ? '0' : String(v);
  }
  if (Array.isArray(v)) return `{${v.map(toLua).join(',')}}`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `[${luaString(k)}]=${toLua(x)}`)
      .join(',')}}`;
  }
  throw new Error(`cannot convert ${typeof v} to Lua`);
}

/** A JSON encoder in Lua 5.1: a table with keys 1..n (n > 0) is an array; an empty table is `{}`. */
const LUA_JSON = String.raw`
local function __enc(v)
  local t = type(v)
  if t == "nil" then return "null" end
  if t == "boolean" then return tostring(v) end
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then error("non-finite number") end
    if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%d", v) end
    return string.format("%.17g", v)
  end
  if t == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c)
      local named = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
      return named[c] or string.format("\\u%04x", string.byte(c))
    end) .. '"'
  end
  if t ~= "table" then error("cannot encode " .. t) end
  local n, count = #v, 0
  for _ in pairs(v) do count = count + 1 end
  local parts = {}
  if n > 0 and n == count then
    for i = 1, n do parts[i] = __enc(v[i]) end
    return "[" .. table.concat(parts, ",") .. "]"
  end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do parts[#parts + 1] = __enc(tostring(k)) .. ":" .. __enc(v[k]) end
  return "{" .. table.concat(parts, ",") .. "}"
end
`;

/** Runs the Lua file at `scriptPath` with `obj` bound to the global `obj`; returns what it returned. */
export function runLuaScript(lua: string, scriptPath: string, obj: unknown): unknown {
  const program = [
    LUA_JSON,
    `local __write = io.write`,
    `local __script = assert(loadfile(${luaString(scriptPath)}))`,
    // Argo CD's sandbox: no io, no global os (only require("os")), no file loading.
    `io = nil; os = nil; loadfile = nil; dofile = nil`,
    `obj = ${toLua(obj)}`,
    `local __ok, __result = pcall(__script)`,
    `if not __ok then error(__result, 0) end`,
    `__write(__enc(__result))`,
  ].join('\n');
  const out = execFileSync(lua, ['-'], { input: program, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  return JSON.parse(out) as unknown;
}
