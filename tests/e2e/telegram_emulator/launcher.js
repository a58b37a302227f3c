#!/usr/bin/env node
/**
 * Telegram Bot API emulator for Maillage's end-to-end tests.
 *
 * Runs the npm package `telegram-test-api` behind a small express front that corrects the gaps
 * which break python-telegram-bot 22 (each correction is marked "GAP n" below):
 *
 *   GAP 1  getMe lacks `is_bot` (a required field of User in PTB 22) and the can_* fields.
 *   GAP 2  dates are milliseconds; Telegram uses Unix seconds (PTB's datetime overflows).
 *   GAP 3  callback queries lack `chat_instance` (required by PTB) and carry a made-up message
 *          without `message_id`; we attach the bot's real message the button belongs to.
 *   GAP 4  editMessageText / editMessageReplyMarkup answer null; Telegram answers the edited
 *          Message, removes the inline keyboard when no reply_markup is given, and answers
 *          400 "message is not modified" / "message to edit not found".
 *   GAP 5  unknown methods answer HTTP 500 {message}; Telegram answers JSON errors
 *          {ok:false, error_code, description}. Harmless methods (setMyCommands, deleteWebhook,
 *          answerCallbackQuery, setChatMenuButton, ...) answer ok with a sensible result;
 *          other unknown methods answer a Telegram-style 404.
 *   GAP 6  getUpdates ignores offset/limit/timeout/allowed_updates and forgets an update as soon
 *          as it was sent once; Telegram keeps it until confirmed by a larger offset, long-polls
 *          for `timeout` seconds and filters by allowed_updates. Also 409 while a webhook is set.
 *   GAP 7  sendMessage answers the request body (chat_id, parse_mode, ...) with a fake private
 *          chat and no `from`; Telegram answers a Message with the bot as sender and the real
 *          chat. HTML parse mode is applied like Telegram does (tags become entities, invalid
 *          HTML is a 400), text over 4096 characters and callback_data over 64 bytes are 400s.
 *   GAP 8  the client routes do not await their promises: an invalid request becomes an
 *          unhandled rejection that kills node. Webhook delivery has no secret token header,
 *          no retry and the same crash. We own the update queue and its delivery.
 *   GAP 9  answerCallbackQuery / deleteMessage / setWebhook answer null instead of true.
 *   GAP 10 no sendDocument / sendPhoto / getFile (multipart uploads are not parsed).
 *   GAP 11 no getChat / getChatMember / getChatAdministrators; chat member statuses are kept
 *          from my_chat_member / chat_member updates, and sends to a chat that blocked or
 *          kicked the bot answer 403 like Telegram.
 *
 * Extra client routes for tests (under /emu/, not part of the Bot API):
 *   POST /emu/update        {token, update}            queue any update (ids, dates filled in)
 *   POST /emu/chatMessages  {token, chat_id}           the bot's messages in a chat, current state
 *   POST /emu/callbackAnswer {token, callback_query_id} how the bot answered a button press
 *   POST /emu/failNext      {token, method, ...}       inject an error, a delay or a dropped socket
 * The package's own client routes (/sendMessage, /sendCommand, /sendCallback, /getUpdates,
 * /getUpdatesHistory) keep working.
 *
 * Usage: node launcher.js [--host 127.0.0.1] [--port 0] [--bot-username NAME] [--bot-name NAME]
 *                         [--watch-stdin] [--verbose]
 * Environment: TGEMU_HOST, TGEMU_PORT, TGEMU_BOT_USERNAME, TGEMU_BOT_NAME, TGEMU_VERBOSE.
 * Prints `READY <port>` on stdout once listening. With --watch-stdin it exits when stdin closes,
 * so a crashed test run leaves no orphan.
 */
'use strict';

const http = require('http');
const express = require('express');
const multer = require('multer');
const TelegramServer = require('telegram-test-api');

// ---------------------------------------------------------------------------------------------
// Configuration

function parseArgs(argv) {
  const opts = {
    host: process.env.TGEMU_HOST || '127.0.0.1',
    port: Number(process.env.TGEMU_PORT || 0),
    botUsername: process.env.TGEMU_BOT_USERNAME || 'maillage_test_bot',
    botName: process.env.TGEMU_BOT_NAME || 'Maillage Test',
    watchStdin: false,
    verbose: Boolean(process.env.TGEMU_VERBOSE),
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const next = () => {
      i += 1;
      if (i >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[i];
    };
    if (arg === '--host') opts.host = next();
    else if (arg === '--port') opts.port = Number(next());
    else if (arg === '--bot-username') opts.botUsername = next();
    else if (arg === '--bot-name') opts.botName = next();
    else if (arg === '--watch-stdin') opts.watchStdin = true;
    else if (arg === '--verbose') opts.verbose = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error(`invalid port ${opts.port}`);
  }
  return opts;
}

const OPTS = parseArgs(process.argv.slice(2));
const log = (...args) => { if (OPTS.verbose) console.error('[tgemu]', ...args); };

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const MAX_CALLBACK_DATA_BYTES = 64;
// Telegram's default when allowed_updates was never given: everything but these.
const NOT_DEFAULT_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const MESSAGE_KEYS = ['message', 'edited_message', 'channel_post', 'edited_channel_post'];

// The package keeps bot messages and the id counters; it is never started itself: our front
// app serves it (its own start() would also expire messages after storeTimeout).
const emu = new TelegramServer({ host: OPTS.host, port: OPTS.port, storeTimeout: 24 * 3600 });

// ---------------------------------------------------------------------------------------------
// Errors and request parameters

class TgError extends Error {
  constructor(code, description, parameters) {
    super(description);
    this.code = code;
    this.parameters = parameters;
  }
}
const badRequest = (what) => new TgError(400, `Bad Request: ${what}`);

function sendOk(res, result) { res.json({ ok: true, result }); }
function sendTgError(res, err) {
  const body = { ok: false, error_code: err.code, description: err.message };
  if (err.parameters) body.parameters = err.parameters;
  res.status(err.code).json(body);
}

// PTB posts form fields whose values are strings (objects JSON-encoded); other clients post JSON.
function raw(req, name) {
  if (req.body && req.body[name] !== undefined) return req.body[name];
  return req.query[name];
}
function strParam(req, name) {
  const v = raw(req, name);
  return v === undefined || v === null ? undefined : String(v);
}
function intParam(req, name) {
  const v = raw(req, name);
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`field "${name}" must be an integer`);
  return n;
}
function boolParam(req, name) {
  const v = raw(req, name);
  return v === true || v === 'true' || v === '1' || v === 1;
}
function jsonParam(req, name) {
  const v = raw(req, name);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch (e) {
    throw badRequest(`can't parse ${name} JSON object`);
  }
}

// ---------------------------------------------------------------------------------------------
// Time, users and chats

const nowSeconds = () => Math.floor(Date.now() / 1000);
// GAP 2: anything that looks like milliseconds is brought back to seconds.
const toSeconds = (t) => (t > 1e11 ? Math.floor(t / 1000) : Math.floor(t));

// GAP 1: a complete bot User; the id comes from the token ("123456:ABC" -> 123456) like Telegram.
function botUser(token) {
  const match = /^(\d+):/.exec(token);
  return {
    id: match ? Number(match[1]) : 666,
    is_bot: true,
    first_name: OPTS.botName,
    username: OPTS.botUsername,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
}

const chats = new Map(); // String(chat id) -> Chat, as last seen in an update
const users = new Map(); // String(user id) -> User
const members = new Map(); // String(chat id) -> Map(String(user id) -> ChatMember)
const userMessageIds = new Map(); // String(chat id) -> Set(message ids sent by users)

function rememberChat(chat) {
  if (chat && chat.id !== undefined) chats.set(String(chat.id), { ...chats.get(String(chat.id)), ...chat });
}
function rememberUser(user) {
  if (user && user.id !== undefined) users.set(String(user.id), { ...users.get(String(user.id)), ...user });
}
function chatFor(chatId) {
  const known = chats.get(String(chatId));
  if (known) return known;
  const id = Number(chatId);
  if (id > 0) return { id, type: 'private' };
  return { id, type: id <= -1e12 ? 'supergroup' : 'group', title: `Group ${id}` };
}
function parseChatId(req) {
  const v = strParam(req, 'chat_id');
  if (v === undefined || v === '') throw badRequest('chat_id is empty');
  if (!/^-?\d+$/.test(v)) throw badRequest('chat not found');
  return Number(v);
}

const ADMIN_RIGHTS = [
  'can_be_edited', 'is_anonymous', 'can_manage_chat', 'can_delete_messages',
  'can_manage_video_chats', 'can_restrict_members', 'can_promote_members', 'can_change_info',
  'can_invite_users', 'can_post_stories', 'can_edit_stories', 'can_delete_stories',
];
const RESTRICTED_RIGHTS = [
  'is_member', 'can_change_info', 'can_invite_users', 'can_pin_messages', 'can_send_messages',
  'can_send_polls', 'can_send_other_messages', 'can_add_web_page_previews', 'can_manage_topics',
  'can_send_audios', 'can_send_documents', 'can_send_photos', 'can_send_videos',
  'can_send_video_notes', 'can_send_voice_notes',
];

// Fills the fields PTB requires for each ChatMember status so tests can say just the status.
function completeMember(member) {
  const m = { ...member };
  const defaults = { creator: { is_anonymous: false }, kicked: { until_date: 0 } };
  if (m.status === 'administrator') {
    for (const k of ADMIN_RIGHTS) if (m[k] === undefined) m[k] = k.startsWith('can_') && k !== 'can_be_edited';
  } else if (m.status === 'restricted') {
    for (const k of RESTRICTED_RIGHTS) if (m[k] === undefined) m[k] = k === 'is_member';
    if (m.until_date === undefined) m.until_date = 0;
  }
  return { ...(defaults[m.status] || {}), ...m };
}
function setMember(chatId, member) {
  if (!members.has(String(chatId))) members.set(String(chatId), new Map());
  members.get(String(chatId)).set(String(member.user.id), completeMember(member));
}
function getMember(chatId, userId) {
  const inChat = members.get(String(chatId));
  return inChat && inChat.get(String(userId));
}
function noteMemberSeen(chat, user) {
  if (!chat || !user || chat.type === 'private' || chat.type === 'channel') return;
  if (!getMember(chat.id, user.id)) setMember(chat.id, { status: 'member', user });
}

// GAP 11: Telegram refuses to deliver into a chat that blocked or removed the bot.
function assertCanSend(token, chatId) {
  const me = getMember(chatId, botUser(token).id);
  if (!me) return;
  if (me.status === 'kicked' || me.status === 'left') {
    if (Number(chatId) > 0) throw new TgError(403, 'Forbidden: bot was blocked by the user');
    throw new TgError(403, 'Forbidden: bot was kicked from the group chat');
  }
}

// ---------------------------------------------------------------------------------------------
// HTML parse mode, the subset Telegram documents (GAP 7)

const HTML_TAGS = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler',
  span: 'spoiler', a: 'text_link', code: 'code', pre: 'pre', blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};
const NAMED_ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"' };

function parseAttributes(source, at) {
  const attrs = {};
  const re = /\s*([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/y;
  let rest = source;
  while (rest.trim()) {
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (!m || m[0].length === 0) throw badRequest(`can't parse entities: bad attributes at byte offset ${at}`);
    attrs[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
    rest = rest.slice(m[0].length);
  }
  return attrs;
}
function decodeEntities(s) {
  return s.replace(/&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/g, (all, name) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name];
    return String.fromCodePoint(name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
  });
}

/** Returns {text, entities} as Telegram would store a message sent with parse_mode HTML. */
function parseHtml(source) {
  let text = '';
  const entities = [];
  const open = [];
  const byteOffset = (i) => Buffer.byteLength(source.slice(0, i));
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '&') {
      const m = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/.exec(source.slice(i, i + 12));
      text += m ? decodeEntities(m[0]) : '&';
      i += m ? m[0].length : 1;
    } else if (c === '<') {
      const end = source.indexOf('>', i);
      if (end < 0) throw badRequest(`can't parse entities: unclosed start tag at byte offset ${byteOffset(i)}`);
      const inner = source.slice(i + 1, end);
      if (inner.startsWith('/')) {
        const name = inner.slice(1).trim().toLowerCase();
        const top = open.pop();
        if (!top) throw badRequest(`can't parse entities: unexpected end tag "</${name}>" at byte offset ${byteOffset(i)}`);
        if (top.name !== name) {
          throw badRequest(`can't parse entities: unmatched end tag at byte offset ${byteOffset(i)}, expected "</${top.name}>", found "</${name}>"`);
        }
        closeEntity(top, text, entities, open);
      } else {
        const m = /^([a-zA-Z][a-zA-Z-]*)([\s\S]*)$/.exec(inner);
        const name = m && m[1].toLowerCase();
        if (!name || !HTML_TAGS[name]) {
          throw badRequest(`can't parse entities: unsupported start tag "${name || inner}" at byte offset ${byteOffset(i)}`);
        }
        const attrs = parseAttributes(m[2], byteOffset(i));
        if (name === 'span' && attrs.class !== 'tg-spoiler') {
          throw badRequest(`can't parse entities: tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(i)}`);
        }
        open.push({ name, attrs, offset: text.length });
      }
      i = end + 1;
    } else {
      text += c;
      i += 1;
    }
  }
  if (open.length) {
    throw badRequest(`can't parse entities: can't find end tag corresponding to start tag "${open[open.length - 1].name}"`);
  }
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}
function closeEntity(tag, text, entities, open) {
  const length = text.length - tag.offset;
  if (length === 0) return;
  const entity = { type: HTML_TAGS[tag.name], offset: tag.offset, length };
  if (tag.name === 'a') {
    const href = tag.attrs.href || '';
    const mention = /^tg:\/\/user\?id=(\d+)$/.exec(href);
    if (mention) {
      entity.type = 'text_mention';
      entity.user = users.get(mention[1]) || { id: Number(mention[1]), is_bot: false, first_name: 'User' };
    } else if (href) entity.url = href;
    else return; // Telegram drops links without href
  } else if (tag.name === 'tg-emoji') entity.custom_emoji_id = tag.attrs['emoji-id'] || '';
  else if (tag.name === 'blockquote' && 'expandable' in tag.attrs) entity.type = 'expandable_blockquote';
  else if (tag.name === 'code' && open.length && open[open.length - 1].name === 'pre') {
    const lang = /^language-(.+)$/.exec(tag.attrs.class || '');
    if (lang) {
      open[open.length - 1].language = lang[1];
      return; // becomes the language of the enclosing pre
    }
  }
  if (tag.name === 'pre' && tag.language) entity.language = tag.language;
  entities.push(entity);
}

/** Applies parse_mode/entities to a text or caption, with Telegram's length limit. */
function formatText(source, parseMode, explicitEntities, limit, emptyError, longError) {
  let text = source === undefined ? '' : String(source);
  let entities = explicitEntities;
  if (!entities && parseMode && parseMode.toLowerCase() === 'html') ({ text, entities } = parseHtml(text));
  if (!text.trim() && emptyError) throw badRequest(emptyError);
  if (text.length > limit) throw badRequest(longError);
  return { text, entities: entities && entities.length ? entities : undefined };
}

// GAP 7: Telegram validates inline keyboards when the message is sent.
function checkReplyMarkup(markup) {
  if (!markup || !markup.inline_keyboard) return;
  if (!Array.isArray(markup.inline_keyboard)) throw badRequest('field "inline_keyboard" must be an Array');
  for (const row of markup.inline_keyboard) {
    if (!Array.isArray(row)) throw badRequest('field "inline_keyboard" must be an Array of Array');
    for (const button of row) {
      if (!button || typeof button.text !== 'string' || !button.text) throw badRequest('text buttons are unallowed in the inline keyboard');
      if (button.callback_data !== undefined
          && (Buffer.byteLength(String(button.callback_data)) > MAX_CALLBACK_DATA_BYTES || button.callback_data === '')) {
        throw badRequest('BUTTON_DATA_INVALID');
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Bot messages (stored by the package) in Bot API shape

const CONTENT_KEYS = ['text', 'entities', 'caption', 'caption_entities', 'document', 'photo'];

function findBotEntry(token, chatId, messageId) {
  return emu.storage.botMessages.find((e) => e.botToken === token
    && String(e.messageId) === String(messageId) && String(e.message.chat_id) === String(chatId));
}

function toApiMessage(token, entry) {
  const m = entry.message;
  const { id, is_bot, first_name, username } = botUser(token); // a sender has no can_* fields
  const msg = {
    message_id: entry.messageId,
    from: { id, is_bot, first_name, username },
    chat: chatFor(m.chat_id),
    date: toSeconds(entry.time),
  };
  if (entry.editTime) msg.edit_date = toSeconds(entry.editTime);
  for (const key of CONTENT_KEYS) if (m[key] !== undefined) msg[key] = m[key];
  // Only inline keyboards belong to a Message; reply keyboards stay on the client's side.
  if (m.reply_markup && m.reply_markup.inline_keyboard) msg.reply_markup = m.reply_markup;
  return msg;
}

/** What a test sees: the Bot API message plus what only the recipient's app would show. */
function toClientMessage(token, entry) {
  const m = entry.message;
  const extra = { disable_notification: Boolean(m.disable_notification) };
  if (m.parse_mode) extra.parse_mode = m.parse_mode;
  if (m.raw_text !== undefined) extra.raw_text = m.raw_text;
  if (m.reply_markup && !m.reply_markup.inline_keyboard) extra.reply_markup = m.reply_markup;
  return { ...toApiMessage(token, entry), emulator: extra };
}

function storeBotMessage(token, chatId, fields) {
  emu.addBotMessage({ chat_id: String(chatId), ...fields }, token);
  return emu.storage.botMessages[emu.storage.botMessages.length - 1];
}

// ---------------------------------------------------------------------------------------------
// Files (GAP 10)

const files = new Map(); // file_id -> {file_id, file_unique_id, file_path, file_size, bytes, ...}
let fileCounter = 1;

function pngSize(bytes) {
  const png = bytes && bytes.length > 24 && bytes.slice(1, 4).toString('latin1') === 'PNG';
  return png ? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } : { width: 0, height: 0 };
}

/** The file of an upload, an existing file_id or a URL, registered so getFile can serve it. */
function takeFile(req, field, kind) {
  const upload = (req.files || []).find((f) => f.fieldname === field);
  const attach = strParam(req, field);
  let source = upload;
  if (!source && attach && attach.startsWith('attach://')) {
    source = (req.files || []).find((f) => f.fieldname === attach.slice('attach://'.length));
  }
  if (!source && attach && files.has(attach)) return files.get(attach);
  if (!source && !attach) throw badRequest(`there is no ${field} in the request`);
  const n = fileCounter++;
  const name = source ? source.originalname : attach.split('/').pop();
  const ext = (/\.[A-Za-z0-9]{1,8}$/.exec(name || '') || [kind === 'photo' ? '.jpg' : ''])[0];
  const record = {
    file_id: `emu-${kind}-${n}`,
    file_unique_id: `emu-u${n}`,
    file_path: `${kind}s/file_${n}${ext}`,
    file_size: source ? source.size : 0,
    file_name: name,
    mime_type: source ? source.mimetype : undefined,
    bytes: source ? source.buffer : Buffer.alloc(0),
  };
  files.set(record.file_id, record);
  return record;
}

// ---------------------------------------------------------------------------------------------
// Incoming updates: normalisation, queue, long polling and webhooks (GAP 2, 3, 6, 8)

const queues = new Map(); // token -> updates not yet confirmed, in order
const waiters = new Map(); // token -> Set of wake-up functions of pending long polls
const allowedByToken = new Map(); // token -> Set of update types, or null for the default
const webhooks = new Map(); // token -> {url, secret_token, last_error_date, last_error_message}
const callbackAnswers = new Map(); // callback_query id -> {token, answered, text, show_alert, url}

const queueOf = (token) => {
  if (!queues.has(token)) queues.set(token, []);
  return queues.get(token);
};
const updateType = (update) => Object.keys(update).find((k) => k !== 'update_id');

function isAllowed(token, update) {
  const allowed = allowedByToken.get(token);
  const type = updateType(update);
  return allowed ? allowed.has(type) : !NOT_DEFAULT_UPDATES.has(type);
}

function normalizeMessage(message) {
  const m = { ...message };
  delete m.botToken;
  if (m.message_id === undefined) m.message_id = emu.messageId++;
  m.date = m.date === undefined ? nowSeconds() : toSeconds(Number(m.date));
  if (!m.chat) throw badRequest('message.chat is required');
  rememberChat(m.chat);
  rememberUser(m.from);
  noteMemberSeen(m.chat, m.from);
  if (!userMessageIds.has(String(m.chat.id))) userMessageIds.set(String(m.chat.id), new Set());
  userMessageIds.get(String(m.chat.id)).add(Number(m.message_id));
  // A client that forgot the bot_command entity still sends a command, as Telegram's apps do.
  if (typeof m.text === 'string' && m.text.startsWith('/') && !m.entities) {
    const length = m.text.split(/\s/, 1)[0].length;
    if (length > 1) m.entities = [{ type: 'bot_command', offset: 0, length }];
  }
  return m;
}

function normalizeCallbackQuery(token, query) {
  const q = { ...query };
  if (!q.from) throw badRequest('callback_query.from is required');
  rememberUser(q.from);
  q.id = q.id === undefined ? String(emu.callbackId++) : String(q.id);
  const chat = q.message && q.message.chat;
  if (q.message && chat && q.message.message_id !== undefined) {
    const entry = findBotEntry(token, chat.id, q.message.message_id);
    // Telegram attaches the bot's message as it is now; a deleted one becomes inaccessible.
    q.message = entry ? toApiMessage(token, entry)
      : { chat: chatFor(chat.id), message_id: Number(q.message.message_id), date: 0 };
  }
  if (q.chat_instance === undefined) q.chat_instance = String(chat ? chat.id : q.from.id).replace('-', '9') + '417';
  callbackAnswers.set(q.id, { token, answered: false });
  return q;
}

function normalizeMemberUpdate(token, upd) {
  const u = { ...upd, date: upd.date === undefined ? nowSeconds() : toSeconds(Number(upd.date)) };
  rememberChat(u.chat);
  rememberUser(u.from);
  u.old_chat_member = completeMember(u.old_chat_member || { status: 'left', user: u.new_chat_member.user });
  u.new_chat_member = completeMember(u.new_chat_member);
  setMember(u.chat.id, u.new_chat_member);
  return u;
}

function enqueueUpdate(token, raw) {
  const update = { ...raw };
  delete update.update_id;
  const type = updateType(update);
  if (!type) throw badRequest('the update is empty');
  if (MESSAGE_KEYS.includes(type)) update[type] = normalizeMessage(update[type]);
  else if (type === 'callback_query') update[type] = normalizeCallbackQuery(token, update[type]);
  else if (type === 'my_chat_member' || type === 'chat_member') update[type] = normalizeMemberUpdate(token, update[type]);
  const full = { update_id: emu.updateId++, ...update };
  queueOf(token).push(full);
  log('update', token.split(':')[0], type, full.update_id);
  for (const wake of waiters.get(token) || []) wake();
  pumpWebhook(token);
  return full;
}

/** Confirms updates below `offset` and drops those the bot did not subscribe to. */
function deliverable(token, offset, limit) {
  let queue = queueOf(token);
  if (offset !== undefined && offset > 0) queue = queue.filter((u) => u.update_id >= offset);
  else if (offset !== undefined && offset < 0) queue = queue.slice(offset);
  queue = queue.filter((u) => isAllowed(token, u));
  queues.set(token, queue);
  return queue.slice(0, limit);
}

function waitForUpdate(token, ms, req) {
  return new Promise((resolve) => {
    if (!waiters.has(token)) waiters.set(token, new Set());
    const done = () => {
      clearTimeout(timer);
      waiters.get(token).delete(done);
      req.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    waiters.get(token).add(done);
    req.on('close', done);
  });
}

const pumping = new Set();
async function pumpWebhook(token) {
  if (pumping.has(token)) return;
  pumping.add(token);
  let backoff = 100;
  try {
    for (;;) {
      const hook = webhooks.get(token);
      if (!hook) return;
      const [update] = deliverable(token, undefined, 1);
      if (!update) return;
      let failure = null;
      try {
        const headers = { 'content-type': 'application/json' };
        if (hook.secret_token) headers['x-telegram-bot-api-secret-token'] = hook.secret_token;
        const resp = await fetch(hook.url, {
          method: 'POST', headers, body: JSON.stringify(update), signal: AbortSignal.timeout(10000),
        });
        if (!resp.ok) failure = `Wrong response from the webhook: ${resp.status} ${resp.statusText}`;
      } catch (e) {
        failure = `Connection failed: ${e.message}`;
      }
      if (failure) {
        Object.assign(hook, { last_error_date: nowSeconds(), last_error_message: failure });
        log('webhook', failure);
        await new Promise((r) => { setTimeout(r, backoff); });
        backoff = Math.min(backoff * 2, 2000);
      } else {
        const queue = queueOf(token);
        if (queue[0] === update) queue.shift();
        backoff = 100;
      }
    }
  } finally {
    pumping.delete(token);
  }
}

// ---------------------------------------------------------------------------------------------
// Fault injection for tests

const faults = [];

async function applyFault(req, res, token, method) {
  const i = faults.findIndex((f) => f.token === token && f.method === method.toLowerCase()
    && (f.chat_id === undefined || String(f.chat_id) === strParam(req, 'chat_id')));
  if (i < 0) return false;
  const fault = faults[i];
  fault.times -= 1;
  if (fault.times <= 0) faults.splice(i, 1);
  if (fault.delay_ms) await new Promise((r) => { setTimeout(r, fault.delay_ms); });
  if (fault.drop) {
    req.socket.destroy();
    return true;
  }
  if (!fault.error_code) return false; // only a delay: the call then succeeds, as after a TimedOut
  sendTgError(res, new TgError(fault.error_code, fault.description, fault.parameters));
  return true;
}

// ---------------------------------------------------------------------------------------------
// Bot API methods

const botMethods = {};
const harmless = (result) => () => result;

botMethods.getme = (req, token) => botUser(token); // GAP 1

botMethods.getupdates = async (req, token) => { // GAP 6
  if (webhooks.has(token)) {
    throw new TgError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
  }
  const offset = intParam(req, 'offset');
  const limit = Math.min(Math.max(intParam(req, 'limit') ?? 100, 1), 100);
  const timeout = Math.max(intParam(req, 'timeout') ?? 0, 0);
  const allowed = jsonParam(req, 'allowed_updates');
  if (allowed !== undefined) allowedByToken.set(token, allowed.length ? new Set(allowed) : null);
  const deadline = Date.now() + Math.min(timeout, 50) * 1000;
  let updates = deliverable(token, offset, limit);
  while (!updates.length && Date.now() < deadline && !req.socket.destroyed) {
    await waitForUpdate(token, deadline - Date.now(), req);
    updates = deliverable(token, undefined, limit);
  }
  return updates;
};

botMethods.setwebhook = (req, token) => { // GAP 8, 9
  const url = strParam(req, 'url');
  if (!url) return botMethods.deletewebhook(req, token);
  if (!/^https?:\/\//.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  const allowed = jsonParam(req, 'allowed_updates');
  if (allowed !== undefined) allowedByToken.set(token, allowed.length ? new Set(allowed) : null);
  if (boolParam(req, 'drop_pending_updates')) queues.set(token, []);
  webhooks.set(token, { url, secret_token: strParam(req, 'secret_token') });
  pumpWebhook(token);
  return true;
};

botMethods.deletewebhook = (req, token) => {
  webhooks.delete(token);
  if (boolParam(req, 'drop_pending_updates')) queues.set(token, []);
  return true;
};

botMethods.getwebhookinfo = (req, token) => {
  const hook = webhooks.get(token);
  const info = { url: hook ? hook.url : '', has_custom_certificate: false, pending_update_count: queueOf(token).length };
  if (hook && hook.last_error_date) Object.assign(info, { last_error_date: hook.last_error_date, last_error_message: hook.last_error_message });
  return info;
};

botMethods.sendmessage = (req, token) => { // GAP 7
  const chatId = parseChatId(req);
  assertCanSend(token, chatId);
  const parseMode = strParam(req, 'parse_mode');
  const rawText = strParam(req, 'text');
  const { text, entities } = formatText(rawText, parseMode, jsonParam(req, 'entities'), MAX_TEXT,
    'message text is empty', 'message is too long');
  const replyMarkup = jsonParam(req, 'reply_markup');
  checkReplyMarkup(replyMarkup);
  const entry = storeBotMessage(token, chatId, {
    text, entities, reply_markup: replyMarkup, parse_mode: parseMode,
    raw_text: parseMode ? rawText : undefined, disable_notification: boolParam(req, 'disable_notification'),
  });
  return toApiMessage(token, entry);
};

function sendMedia(kind) { // GAP 10
  return (req, token) => {
    const chatId = parseChatId(req);
    assertCanSend(token, chatId);
    const file = takeFile(req, kind, kind);
    const parseMode = strParam(req, 'parse_mode');
    const { text: caption, entities } = formatText(strParam(req, 'caption'), parseMode,
      jsonParam(req, 'caption_entities'), MAX_CAPTION, null, 'message caption is too long');
    const replyMarkup = jsonParam(req, 'reply_markup');
    checkReplyMarkup(replyMarkup);
    const base = { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size };
    const content = kind === 'photo'
      ? { photo: [{ ...base, ...pngSize(file.bytes) }] }
      : { document: { ...base, file_name: file.file_name, mime_type: file.mime_type } };
    const entry = storeBotMessage(token, chatId, {
      ...content, caption: caption || undefined, caption_entities: entities, reply_markup: replyMarkup,
      parse_mode: parseMode, disable_notification: boolParam(req, 'disable_notification'),
    });
    return toApiMessage(token, entry);
  };
}
botMethods.senddocument = sendMedia('document');
botMethods.sendphoto = sendMedia('photo');

botMethods.getfile = (req) => {
  const file = files.get(strParam(req, 'file_id'));
  if (!file) throw badRequest('invalid file_id');
  const { file_id, file_unique_id, file_size, file_path } = file;
  return { file_id, file_unique_id, file_size, file_path };
};

function editTarget(req, token) {
  if (strParam(req, 'inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
  const chatId = parseChatId(req);
  const entry = findBotEntry(token, chatId, intParam(req, 'message_id'));
  if (!entry) throw badRequest('message to edit not found');
  return entry;
}
const NOT_MODIFIED = 'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// GAP 4: edits answer the edited Message; a missing reply_markup removes the inline keyboard.
function applyEdit(token, entry, changes, meta = {}) {
  const m = entry.message;
  if (Object.keys(changes).every((k) => same(m[k], changes[k]))) throw badRequest(NOT_MODIFIED);
  for (const [k, v] of Object.entries({ ...changes, ...meta })) {
    if (v === undefined) delete m[k];
    else m[k] = v;
  }
  entry.editTime = Date.now();
  emu.emit('EditedMessageText');
  return toApiMessage(token, entry);
}

botMethods.editmessagetext = (req, token) => {
  const entry = editTarget(req, token);
  if (entry.message.text === undefined) throw badRequest('there is no text in the message to edit');
  const parseMode = strParam(req, 'parse_mode');
  const rawText = strParam(req, 'text');
  const { text, entities } = formatText(rawText, parseMode, jsonParam(req, 'entities'), MAX_TEXT,
    'message text is empty', 'MESSAGE_TOO_LONG');
  const replyMarkup = jsonParam(req, 'reply_markup');
  checkReplyMarkup(replyMarkup);
  return applyEdit(token, entry, { text, entities, reply_markup: replyMarkup },
    { parse_mode: parseMode, raw_text: parseMode ? rawText : undefined });
};

botMethods.editmessagecaption = (req, token) => {
  const entry = editTarget(req, token);
  if (entry.message.text !== undefined) throw badRequest('there is no caption in the message to edit');
  const parseMode = strParam(req, 'parse_mode');
  const { text, entities } = formatText(strParam(req, 'caption'), parseMode,
    jsonParam(req, 'caption_entities'), MAX_CAPTION, null, 'message caption is too long');
  const replyMarkup = jsonParam(req, 'reply_markup');
  checkReplyMarkup(replyMarkup);
  return applyEdit(token, entry, { caption: text || undefined, caption_entities: entities, reply_markup: replyMarkup });
};

botMethods.editmessagereplymarkup = (req, token) => {
  const entry = editTarget(req, token);
  const replyMarkup = jsonParam(req, 'reply_markup');
  checkReplyMarkup(replyMarkup);
  return applyEdit(token, entry, { reply_markup: replyMarkup });
};

botMethods.deletemessage = (req, token) => { // GAP 9
  const chatId = parseChatId(req);
  const messageId = intParam(req, 'message_id');
  const entry = findBotEntry(token, chatId, messageId);
  if (entry) {
    emu.removeBotMessage(entry.updateId);
    return true;
  }
  const ids = userMessageIds.get(String(chatId));
  if (ids && ids.delete(messageId)) return true;
  throw badRequest('message to delete not found');
};

botMethods.answercallbackquery = (req) => { // GAP 9
  const answer = callbackAnswers.get(strParam(req, 'callback_query_id'));
  if (!answer || answer.answered) throw badRequest('query is too old and response timeout expired or query ID is invalid');
  Object.assign(answer, {
    answered: true, text: strParam(req, 'text'), show_alert: boolParam(req, 'show_alert'), url: strParam(req, 'url'),
  });
  return true;
};

// Commands are kept per scope and language so tests can read what the bot registered.
const commands = new Map();
const commandsKey = (req, token) => JSON.stringify([token, jsonParam(req, 'scope') || { type: 'default' }, strParam(req, 'language_code') || '']);
botMethods.setmycommands = (req, token) => {
  const list = jsonParam(req, 'commands');
  if (!Array.isArray(list) || list.length > 100) throw badRequest('commands must be an array of at most 100 BotCommand');
  for (const c of list) {
    if (!c || !/^[a-z0-9_]{1,32}$/.test(c.command || '')) throw badRequest('BOT_COMMAND_INVALID');
    if (!c.description || c.description.length > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
  }
  commands.set(commandsKey(req, token), list.map((c) => ({ command: c.command, description: c.description })));
  return true;
};
botMethods.getmycommands = (req, token) => commands.get(commandsKey(req, token)) || [];
botMethods.deletemycommands = (req, token) => {
  commands.delete(commandsKey(req, token));
  return true;
};

const botProfile = new Map(); // token -> {name, description, short_description}
const profileOf = (token) => {
  if (!botProfile.has(token)) botProfile.set(token, { name: OPTS.botName, description: '', short_description: '' });
  return botProfile.get(token);
};
for (const field of ['name', 'description', 'short_description']) {
  const camel = field.replace(/_(.)/g, (_, c) => c.toUpperCase()).replace(/^./, (c) => c.toUpperCase());
  botMethods[`setmy${camel.toLowerCase()}`] = (req, token) => {
    profileOf(token)[field] = strParam(req, field) || '';
    return true;
  };
  botMethods[`getmy${camel.toLowerCase()}`] = (req, token) => ({ [field]: profileOf(token)[field] });
}

const menuButtons = new Map();
botMethods.setchatmenubutton = (req, token) => {
  menuButtons.set(`${token}|${strParam(req, 'chat_id') || ''}`, jsonParam(req, 'menu_button') || { type: 'default' });
  return true;
};
botMethods.getchatmenubutton = (req, token) => menuButtons.get(`${token}|${strParam(req, 'chat_id') || ''}`) || { type: 'commands' };

// GAP 11: chat information from what the emulator has seen.
botMethods.getchat = (req) => {
  const chatId = parseChatId(req);
  if (!chats.has(String(chatId))) throw badRequest('chat not found');
  return {
    ...chats.get(String(chatId)),
    accent_color_id: 0,
    max_reaction_count: 11,
    accepted_gift_types: {
      unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false,
    },
  };
};
botMethods.getchatmember = (req, token) => {
  const chatId = parseChatId(req);
  const userId = intParam(req, 'user_id');
  if (userId === botUser(token).id) return getMember(chatId, userId) || { status: 'member', user: botUser(token) };
  const known = getMember(chatId, userId);
  if (known) return known;
  if (Number(chatId) === userId) return { status: 'member', user: users.get(String(userId)) };
  if (!users.has(String(userId))) throw badRequest('user not found');
  return { status: 'left', user: users.get(String(userId)) };
};
botMethods.getchatadministrators = (req) => {
  const inChat = members.get(String(parseChatId(req)));
  return inChat ? [...inChat.values()].filter((m) => m.status === 'creator' || m.status === 'administrator') : [];
};
botMethods.getchatmembercount = (req) => {
  const inChat = members.get(String(parseChatId(req)));
  return inChat ? [...inChat.values()].filter((m) => ['creator', 'administrator', 'member', 'restricted'].includes(m.status)).length : 1;
};
botMethods.leavechat = (req, token) => {
  const chatId = parseChatId(req);
  setMember(chatId, { status: 'left', user: botUser(token) });
  return true;
};

// GAP 5: methods without visible effect in tests answer like Telegram does.
for (const name of ['sendChatAction', 'setMyDefaultAdministratorRights', 'pinChatMessage', 'unpinChatMessage',
  'unpinAllChatMessages', 'setMessageReaction', 'logOut', 'close']) {
  botMethods[name.toLowerCase()] = harmless(true);
}

// ---------------------------------------------------------------------------------------------
// HTTP front

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 50 * 1024 * 1024 } });
const app = express();
app.use(express.json({ limit: '10mb' }));
app.use(express.urlencoded({ extended: true, limit: '10mb' }));

app.all('/bot:token/:method', upload.any(), async (req, res) => {
  const { token } = req.params;
  const method = req.params.method.toLowerCase();
  try {
    if (await applyFault(req, res, token, method)) return;
    const handler = botMethods[method];
    // GAP 5: Telegram's answer to a method it does not know.
    if (!handler) throw new TgError(404, `Not Found: method ${req.params.method} is not emulated`);
    const result = await handler(req, token);
    log(req.params.method, 'ok');
    if (!res.headersSent && !req.socket.destroyed) sendOk(res, result);
  } catch (err) {
    if (!(err instanceof TgError)) {
      console.error('[tgemu] internal error', err);
      sendTgError(res, new TgError(500, `Internal Server Error: ${err.message}`));
      return;
    }
    log(req.params.method, err.code, err.message);
    sendTgError(res, err);
  }
});

app.get('/file/bot:token/*', (req, res) => {
  const path = req.params[0];
  const file = [...files.values()].find((f) => f.file_path === path);
  if (!file) {
    sendTgError(res, new TgError(404, 'Not Found'));
    return;
  }
  res.type(file.mime_type || 'application/octet-stream').send(file.bytes);
});

// Client side. Errors answer 400 instead of crashing node (GAP 8).
function clientRoute(path, handler) {
  app.post(path, (req, res) => {
    try {
      sendOk(res, handler(req.body || {}));
    } catch (err) {
      const e = err instanceof TgError ? err : new TgError(400, `Bad Request: ${err.message}`);
      sendTgError(res, e);
    }
  });
}
const requireToken = (body) => {
  const token = body.token || body.botToken;
  if (!token) throw badRequest('token is required');
  return token;
};

clientRoute('/emu/update', (body) => enqueueUpdate(requireToken(body), body.update || {}));
clientRoute('/emu/chatMessages', (body) => {
  const token = requireToken(body);
  return emu.storage.botMessages
    .filter((e) => e.botToken === token && String(e.message.chat_id) === String(body.chat_id))
    .map((e) => toClientMessage(token, e));
});
clientRoute('/emu/callbackAnswer', (body) => {
  const answer = callbackAnswers.get(String(body.callback_query_id));
  if (!answer || answer.token !== requireToken(body)) throw badRequest('unknown callback_query_id');
  const { token, ...rest } = answer;
  return rest;
});
clientRoute('/emu/failNext', (body) => {
  if (!body.method) throw badRequest('method is required');
  faults.push({
    token: requireToken(body),
    method: String(body.method).toLowerCase(),
    chat_id: body.chat_id ?? undefined,
    times: Number(body.times || 1),
    error_code: body.error_code,
    description: body.description || `Error ${body.error_code}`,
    parameters: body.parameters ?? undefined,
    delay_ms: Number(body.delay_ms || 0),
    drop: Boolean(body.drop),
  });
  return true;
});
// The package's own client API, fed into our queue.
clientRoute('/sendMessage', (body) => enqueueUpdate(requireToken(body), { message: body }));
clientRoute('/sendCommand', (body) => enqueueUpdate(requireToken(body), { message: body }));
clientRoute('/sendCallback', (body) => {
  const { from, message, data } = body;
  return enqueueUpdate(requireToken(body), { callback_query: { from, message, data } });
});

// Everything else (the package's /getUpdates and /getUpdatesHistory client routes).
app.use(emu.webServer);

// ---------------------------------------------------------------------------------------------
// Start

// GAP 8: a stray rejection must be logged, never take the emulator down mid-test.
process.on('unhandledRejection', (err) => console.error('[tgemu] unhandled rejection', err));

const server = http.createServer(app);
server.keepAliveTimeout = 65000;
server.listen(OPTS.port, OPTS.host, () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
server.on('error', (err) => {
  console.error(`[tgemu] cannot listen on ${OPTS.host}:${OPTS.port}: ${err.message}`);
  process.exit(1);
});

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (OPTS.watchStdin) {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}
