import { defineMessages } from '../../app/i18n.js';

export const notifyMessages = defineMessages(
  {
    title: '收件箱',
    all: '全部',
    unread: '未读',
    markRead: '标为已读',
    markAllRead: '全部标为已读',
    allRead: '已全部标为已读',
    open: '查看',
    empty: '没有消息',
    emptyUnread: '没有未读消息',
  },
  {
    title: 'Inbox',
    all: 'All',
    unread: 'Unread',
    markRead: 'Mark read',
    markAllRead: 'Mark all read',
    allRead: 'All marked read',
    open: 'Open',
    empty: 'No messages',
    emptyUnread: 'No unread messages',
  },
);
