-- Drives Neovim's own LSP client against `relgate lsp` (tests/neovim_lsp.sh): opens a
-- policy with an error, waits for its diagnostics, asks for a hover and a definition,
-- and writes what the client got to $RELGATE_OUT, one `key<TAB>value` line each.
local out = assert(io.open(os.getenv("RELGATE_OUT"), "w"))
local function report(key, value)
  out:write(key .. "\t" .. tostring(value):gsub("\n", "\\n") .. "\n")
end

package.path = os.getenv("RELGATE_SOURCE") .. "/editors/neovim/?.lua;" .. package.path
require("relgate").setup({
  cmd = { os.getenv("RELGATE_BINARY"), "lsp", "--cache-dir", os.getenv("RELGATE_CACHE") },
})
vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("RELGATE_POLICY")))
local buf = vim.api.nvim_get_current_buf()
report("filetype", vim.bo[buf].filetype)

local ok = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
report("diagnostics_arrived", ok)
for _, d in ipairs(vim.diagnostic.get(buf)) do
  report("diagnostic", string.format("%d:%d %s %s", d.lnum, d.col, d.code or "", d.message))
end

local function request(method, line, character)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(buf),
    position = { line = line, character = character },
  }
  local responses = vim.lsp.buf_request_sync(buf, method, params, 20000) or {}
  for _, response in pairs(responses) do
    if response.result then
      return response.result
    end
  end
  return nil
end

-- Line 5 (0-based) is `  builder.hosted and ...`; the fact's field at column 10.
local hover = request("textDocument/hover", 5, 10)
report("hover", hover and hover.contents and hover.contents.value or "none")
local definition = request("textDocument/definition", 5, 10)
local location = definition and (definition[1] or definition)
if location and location.uri then
  report("definition", string.format("%s %d:%d", vim.uri_to_fname(location.uri),
    location.range.start.line, location.range.start.character))
else
  report("definition", "none")
end

-- Fix the error in the buffer, as a user would type it: the diagnostics clear.
vim.api.nvim_buf_set_lines(buf, 6, 7, false, { "  and builder.id != \"\"" })
local cleared = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) == 0
end, 50)
report("cleared", cleared)
out:close()
vim.cmd("qa!")
