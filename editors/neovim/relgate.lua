-- relgate's language server in Neovim's built-in LSP client (Neovim 0.7 or later).
--
--   require("relgate").setup()                    -- from your init.lua, with this file on
--                                                  -- the runtimepath as lua/relgate.lua
--   require("relgate").setup({ cmd = { "/opt/relgate/bin/relgate", "lsp" } })
--
-- `.gate` files get the `gate` filetype; each buffer of that filetype attaches to one
-- `relgate lsp` per policy directory. Neovim 0.8+ could use vim.lsp.start; this uses the
-- calls 0.7 (Debian 12's) has as well.
local M = {}

local clients = {} -- policy directory -> client id

function M.setup(opts)
  opts = opts or {}
  local cmd = opts.cmd or { "relgate", "lsp" }
  vim.cmd([[autocmd BufRead,BufNewFile *.gate setfiletype gate]])
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "gate",
    callback = function(args)
      local root = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ":p:h")
      local id = clients[root]
      if id == nil or vim.lsp.get_client_by_id(id) == nil then
        id = vim.lsp.start_client({
          name = "relgate",
          cmd = cmd,
          root_dir = root,
          on_attach = opts.on_attach,
        })
        clients[root] = id
      end
      if id ~= nil then
        vim.lsp.buf_attach_client(args.buf, id)
      end
    end,
  })
end

return M
