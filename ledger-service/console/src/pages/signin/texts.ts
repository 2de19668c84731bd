import { registerTexts } from "../../i18n/i18n.ts";

registerTexts("signin", {
  zh: {
    title: "登录",
    intro:
      "选择您单位的密封密钥文件并输入口令。密钥只在本浏览器中解封和使用，不会发送给服务器；退出登录或空闲 15 分钟后即被清除。",
    keyFile: "密钥文件",
    chooseFile: "选择密钥文件",
    orgId: "统一社会信用代码（密钥文件未注明时填写）",
    passphrase: "口令",
    submit: "解封并登录",
    working: "正在解封…",
    wrongFile: "这不是有效的 SM2 密钥文件。",
    wrongPassphrase: "口令错误，无法打开此密钥文件。",
    noOrg: "密钥文件未注明单位，请填写统一社会信用代码。",
    notRegistered: "该单位未在登记簿中注册，或其密钥与登记的公钥不符：{{message}}",
    needFile: "请先选择密钥文件。",
  },
  en: {
    title: "Sign in",
    intro:
      "Choose your organisation's sealed key file and enter its passphrase. The key is unsealed and used in this browser only, never sent to the server, and forgotten when you sign out or after 15 minutes without activity.",
    keyFile: "Key file",
    chooseFile: "Choose key file",
    orgId: "Unified social credit code (if the key file does not name it)",
    passphrase: "Passphrase",
    submit: "Unseal and sign in",
    working: "Unsealing…",
    wrongFile: "This is not a valid SM2 key file.",
    wrongPassphrase: "Wrong passphrase: this key file does not open with it.",
    noOrg: "The key file names no organisation: enter its unified social credit code.",
    notRegistered:
      "This organisation is not registered on the ledger, or its key is not the registered one: {{message}}",
    needFile: "Choose a key file first.",
  },
});
