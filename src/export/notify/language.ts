/** Language is a template language of notifications: English or Simplified Chinese. */
export type Language = 'en' | 'zh-CN';
