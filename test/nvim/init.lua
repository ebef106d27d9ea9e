-- Headless Neovim (0.7+) check of the Devicetree language server:
-- opens $FILE, starts $SERVER --stdio, waits for diagnostics, asks for a hover
-- at $HOVER_LINE:$HOVER_COL (0-based), writes JSON to $OUT and exits 0 (or 2 on failure).
local server = os.getenv('SERVER')
local file = os.getenv('FILE')
local out = os.getenv('OUT')
local root = os.getenv('ROOT')
local wait_ms = tonumber(os.getenv('WAIT_MS') or '15000')
local hover_line = tonumber(os.getenv('HOVER_LINE') or '0')
local hover_col = tonumber(os.getenv('HOVER_COL') or '0')

local function finish(result, code)
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  if code == 0 then vim.cmd('qall!') else vim.cmd('cquit! ' .. code) end
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'dts'
  local client_id = vim.lsp.start_client({
    name = 'dts-lsp',
    cmd = { 'node', server, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'fixtures' } },
  })
  if not client_id then return finish({ error = 'start_client failed' }, 2) end
  vim.lsp.buf_attach_client(buf, client_id)

  local got = vim.wait(wait_ms, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  if not got then return finish({ error = 'no diagnostics within ' .. wait_ms .. 'ms' }, 2) end
  local diags = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
    table.insert(diags, { message = d.message, lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, severity = d.severity, code = code })
  end

  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = hover_line, character = hover_col } }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, wait_ms)
  local hover = nil
  for _, r in pairs(responses or {}) do
    if r.result and r.result.contents then
      local c = r.result.contents
      hover = type(c) == 'table' and (c.value or c[1]) or c
    end
  end
  local defs = vim.lsp.buf_request_sync(buf, 'textDocument/definition', params, wait_ms)
  local definition = nil
  for _, r in pairs(defs or {}) do
    if r.result and r.result[1] then definition = r.result[1] end
  end
  -- formatting: the number of edits (the fixture is formatted already: none)
  local fmt = vim.lsp.buf_request_sync(buf, 'textDocument/formatting', { textDocument = { uri = vim.uri_from_bufnr(buf) }, options = { tabSize = 8, insertSpaces = false } }, wait_ms)
  local formatting = nil
  for _, r in pairs(fmt or {}) do
    if r.result then formatting = #r.result end
  end
  finish({ diagnostics = diags, hover = hover, definition = definition, formatting = formatting }, 0)
end)
if not ok then finish({ error = tostring(err) }, 2) end
