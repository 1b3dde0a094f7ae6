// Reference tables for the demo company (X7): real cities (province, GB/T 2260 division code,
// WGS-84 centre), their real districts, common names, industries, product lines and the
// official working-day calendar, so generated records look like a Chinese sales organisation's.

export interface City {
  name: string;
  province: string;
  /** GB/T 2260 code of the city (used in positions 3–8 of credit codes). */
  division: string;
  /** City-centre coordinates, WGS-84. */
  lat: number;
  lng: number;
  districts: readonly string[];
}

export interface MacroRegion {
  /** Short name used in region names, e.g. 华东. */
  name: string;
  en: string;
  cities: readonly City[];
}

const city = (name: string, province: string, division: string, lat: number, lng: number, districts: string): City => ({
  name,
  province,
  division,
  lat,
  lng,
  districts: districts.split(' '),
});

/** Three sales macro-regions as Chinese companies commonly cut the country (not the statistical regions). */
export const MACRO_REGIONS: readonly MacroRegion[] = [
  {
    name: '华东',
    en: 'East',
    cities: [
      city('上海', '上海市', '310000', 31.2304, 121.4737, '黄浦区 徐汇区 长宁区 静安区 普陀区 虹口区 杨浦区 浦东新区 闵行区 宝山区 嘉定区 松江区 青浦区'),
      city('杭州', '浙江省', '330100', 30.2741, 120.1551, '上城区 拱墅区 西湖区 滨江区 萧山区 余杭区 临平区 钱塘区'),
      city('南京', '江苏省', '320100', 32.0603, 118.7969, '玄武区 秦淮区 建邺区 鼓楼区 栖霞区 雨花台区 江宁区 浦口区'),
      city('苏州', '江苏省', '320500', 31.299, 120.5853, '姑苏区 虎丘区 吴中区 相城区 吴江区'),
      city('宁波', '浙江省', '330200', 29.8683, 121.544, '海曙区 江北区 北仑区 镇海区 鄞州区 奉化区'),
      city('无锡', '江苏省', '320200', 31.4912, 120.3119, '梁溪区 滨湖区 新吴区 锡山区 惠山区'),
      city('常州', '江苏省', '320400', 31.8106, 119.9741, '天宁区 钟楼区 新北区 武进区 金坛区'),
      city('合肥', '安徽省', '340100', 31.8206, 117.2272, '瑶海区 庐阳区 蜀山区 包河区'),
      city('温州', '浙江省', '330300', 27.9943, 120.6994, '鹿城区 龙湾区 瓯海区 洞头区'),
      city('南昌', '江西省', '360100', 28.682, 115.8579, '东湖区 西湖区 青云谱区 青山湖区 新建区 红谷滩区'),
    ],
  },
  {
    name: '华北',
    en: 'North',
    cities: [
      city('北京', '北京市', '110000', 39.9042, 116.4074, '东城区 西城区 朝阳区 海淀区 丰台区 石景山区 通州区 顺义区 昌平区 大兴区'),
      city('天津', '天津市', '120000', 39.0842, 117.2009, '和平区 河西区 南开区 河东区 河北区 红桥区 滨海新区 西青区 津南区 东丽区'),
      city('济南', '山东省', '370100', 36.6512, 117.1201, '历下区 市中区 槐荫区 天桥区 历城区 长清区 章丘区'),
      city('青岛', '山东省', '370200', 36.0671, 120.3826, '市南区 市北区 李沧区 崂山区 黄岛区 城阳区 即墨区'),
      city('石家庄', '河北省', '130100', 38.0428, 114.5149, '长安区 桥西区 新华区 裕华区 鹿泉区 藁城区'),
      city('太原', '山西省', '140100', 37.8706, 112.5489, '小店区 迎泽区 杏花岭区 尖草坪区 万柏林区 晋源区'),
      city('郑州', '河南省', '410100', 34.7466, 113.6254, '中原区 二七区 管城回族区 金水区 惠济区 上街区'),
      city('西安', '陕西省', '610100', 34.3416, 108.9398, '新城区 碑林区 莲湖区 雁塔区 未央区 灞桥区 长安区'),
      city('沈阳', '辽宁省', '210100', 41.8057, 123.4315, '和平区 沈河区 大东区 皇姑区 铁西区 浑南区 于洪区'),
      city('大连', '辽宁省', '210200', 38.914, 121.6147, '中山区 西岗区 沙河口区 甘井子区 旅顺口区 金州区'),
    ],
  },
  {
    name: '华南',
    en: 'South',
    cities: [
      city('广州', '广东省', '440100', 23.1291, 113.2644, '越秀区 海珠区 荔湾区 天河区 白云区 黄埔区 番禺区 花都区 南沙区'),
      city('深圳', '广东省', '440300', 22.5431, 114.0579, '福田区 罗湖区 南山区 宝安区 龙岗区 龙华区 光明区 坪山区'),
      // Dongguan has no districts; addresses name the subdistrict or town directly.
      city('东莞', '广东省', '441900', 23.0207, 113.7518, '南城街道 东城街道 莞城街道 万江街道 长安镇 虎门镇 塘厦镇 松山湖'),
      city('佛山', '广东省', '440600', 23.0215, 113.1214, '禅城区 南海区 顺德区 三水区 高明区'),
      city('厦门', '福建省', '350200', 24.4798, 118.0894, '思明区 湖里区 集美区 海沧区 同安区 翔安区'),
      city('福州', '福建省', '350100', 26.0745, 119.2965, '鼓楼区 台江区 仓山区 晋安区 马尾区'),
      city('武汉', '湖北省', '420100', 30.5928, 114.3055, '江岸区 江汉区 硚口区 汉阳区 武昌区 青山区 洪山区 东西湖区 江夏区'),
      city('长沙', '湖南省', '430100', 28.2282, 112.9388, '芙蓉区 天心区 岳麓区 开福区 雨花区 望城区'),
      city('成都', '四川省', '510100', 30.5728, 104.0668, '锦江区 青羊区 金牛区 武侯区 成华区 龙泉驿区 新都区 温江区 双流区 郫都区'),
      city('重庆', '重庆市', '500000', 29.563, 106.5516, '渝中区 江北区 南岸区 九龙坡区 沙坪坝区 大渡口区 渝北区 巴南区'),
      city('南宁', '广西壮族自治区', '450100', 22.817, 108.3665, '兴宁区 青秀区 江南区 西乡塘区 良庆区 邕宁区'),
      city('昆明', '云南省', '530100', 25.0389, 102.7183, '五华区 盘龙区 官渡区 西山区 呈贡区'),
    ],
  },
];

export const ALL_CITIES: readonly City[] = MACRO_REGIONS.flatMap((m) => m.cities);

/** Mainland China's bounding box (WGS-84), for sanity checks. */
export const CHINA_BBOX = { minLat: 18.0, maxLat: 53.6, minLng: 73.5, maxLng: 135.1 } as const;

/** Road names found in most Chinese cities. */
export const ROADS = (
  '人民路 中山路 解放路 建设路 和平路 胜利路 新华路 文化路 长江路 黄河路 青年路 东风路 学府路 科技路 创业路 高新路 ' +
  '工业大道 迎宾大道 世纪大道 滨江路 湖滨路 花园路 幸福路 友谊路 光明路 振兴路 团结路 健康路 金融街 商业街 ' +
  '科技园路 软件园路 产业园路 环城东路 环城西路 环城南路 环城北路 开发区大道 物流大道 港城路'
).split(' ');

export const BUILDINGS = (
  '国际大厦 科技大厦 商务中心 金融中心 创业园 软件园 产业园 孵化基地 广场 写字楼 总部基地 工业园 物流园 科创中心'
).split(' ');

/** Common surnames with rough relative frequency (most common first). */
export const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 72], ['李', 71], ['张', 69], ['刘', 55], ['陈', 45], ['杨', 31], ['黄', 24], ['赵', 23], ['吴', 21], ['周', 20],
  ['徐', 15], ['孙', 15], ['马', 13], ['朱', 13], ['胡', 12], ['郭', 12], ['何', 12], ['高', 11], ['林', 11], ['罗', 10],
  ['郑', 10], ['梁', 9], ['谢', 8], ['宋', 7], ['唐', 7], ['许', 7], ['韩', 7], ['冯', 7], ['邓', 7], ['曹', 7],
  ['彭', 6], ['曾', 6], ['肖', 6], ['田', 6], ['董', 5], ['袁', 5], ['潘', 5], ['于', 5], ['蒋', 5], ['蔡', 5],
  ['余', 5], ['杜', 5], ['叶', 5], ['程', 5], ['苏', 4], ['魏', 4], ['吕', 4], ['丁', 4], ['任', 4], ['沈', 4],
  ['姚', 4], ['卢', 4], ['姜', 3], ['崔', 3], ['钟', 3], ['谭', 3], ['陆', 3], ['汪', 3], ['范', 3], ['金', 3],
  ['石', 3], ['廖', 3], ['贾', 3], ['夏', 3], ['韦', 3], ['方', 3], ['白', 2], ['邹', 2], ['孟', 2], ['熊', 2],
  ['秦', 2], ['邱', 2], ['江', 2], ['尹', 2], ['薛', 2], ['段', 2], ['雷', 2], ['侯', 2], ['龙', 2], ['史', 2],
  ['陶', 2], ['黎', 2], ['贺', 2], ['顾', 2], ['毛', 2], ['郝', 2], ['龚', 2], ['邵', 2], ['万', 2], ['钱', 2],
  ['严', 2], ['覃', 1], ['武', 2], ['戴', 2], ['莫', 1], ['孔', 1], ['向', 1], ['汤', 1], ['欧阳', 1], ['上官', 0.3],
];

export const GIVEN_NAMES = (
  '伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 鹏 辉 华 飞 琳 燕 宁 婷 雪 斌 ' +
  '秀英 桂英 建华 建国 建军 志强 志勇 海燕 海涛 丽华 丽娟 晓东 晓燕 晓明 文博 文静 俊杰 思远 雨桐 嘉怡 ' +
  '子涵 浩然 宇轩 欣怡 梓萱 一鸣 佳琪 明轩 晨曦 天宇 振华 国强 红梅 玉兰 春燕 秋月 立新 永刚 德明 少华 ' +
  '凯 昊 博 睿 瑶 倩 颖 欣 蕾 莉 冬梅 雅婷 诗涵 梦洁 家豪 子豪 宏伟 光辉 卫东 建平'
).split(' ');

export interface Industry {
  name: string;
  /** Business-scope words that end company names in this industry. */
  terms: readonly string[];
  /** Relative share among customers. */
  weight: number;
}

export const INDUSTRIES: readonly Industry[] = [
  { name: '制造业', weight: 24, terms: ['精密机械', '机电设备', '模具', '汽车零部件', '电子科技', '新材料', '自动化设备', '五金制品', '智能装备'] },
  { name: '医疗器械', weight: 8, terms: ['医疗器械', '生物医疗', '医疗科技', '康复设备', '诊断技术'] },
  { name: '快消零售', weight: 14, terms: ['食品', '商贸', '超市连锁', '日化用品', '饮品', '便利店连锁'] },
  { name: '建筑工程', weight: 10, terms: ['建设工程', '建筑安装', '装饰工程', '路桥建设', '市政工程'] },
  { name: '信息技术', weight: 12, terms: ['信息技术', '软件', '网络科技', '数据科技', '云计算'] },
  { name: '物流', weight: 8, terms: ['物流', '供应链管理', '国际货运代理', '仓储服务', '冷链物流'] },
  { name: '教育', weight: 5, terms: ['教育科技', '文化传播', '教育咨询', '职业培训'] },
  { name: '能源电力', weight: 8, terms: ['新能源', '电力工程', '光伏科技', '储能技术', '电气设备'] },
  { name: '化工', weight: 6, terms: ['化工', '精细化工', '涂料', '新材料科技'] },
  { name: '金融服务', weight: 5, terms: ['融资租赁', '投资管理', '保险代理', '资产管理'] },
];

/** Two-character trade names are built from these (恒瑞, 华远, 鑫盛 …). */
export const BRAND_CHARS = (
  '恒 瑞 华 远 鑫 盛 达 泰 安 康 博 创 众 汇 联 信 宏 德 润 丰 嘉 银 金 通 宇 天 中 海 新 星 ' +
  '明 光 辰 晟 峰 凯 佳 誉 力 邦 诚 兴 隆 旭 昌 科 锐 腾 越 卓 睿 伟 英 东 正 永 方 元 合 利'
).split(' ');

export const COMPANY_SUFFIXES: readonly (readonly [string, number])[] = [
  ['有限公司', 70],
  ['股份有限公司', 12],
  ['有限责任公司', 14],
  ['集团有限公司', 4],
];

export const TIERS: readonly (readonly ['KA' | 'A' | 'B' | 'C', number])[] = [
  ['KA', 5],
  ['A', 20],
  ['B', 45],
  ['C', 30],
];

export const STAGES: readonly (readonly ['lead' | 'opportunity' | 'delivery' | 'renewal' | 'churned', number])[] = [
  ['lead', 28],
  ['opportunity', 27],
  ['delivery', 20],
  ['renewal', 19],
  ['churned', 6],
];

export const CUSTOMER_TAGS = (
  '重点客户 招投标 老客户 转介绍 展会线索 价格敏感 决策链复杂 国企 民营 外资 上市公司 年框协议 预算充足 有竞品在用 高层关系 需要试点'
).split(' ');

export const DEPARTMENTS = ['采购部', '信息部', '生产部', '设备部', '财务部', '总经办', '技术部', '行政部', '运营部', '质量部'];
export const TITLES = ['经理', '总监', '主管', '工程师', '总', '主任', '副总'];

export interface Product {
  sku: string;
  name: string;
  line: string;
  /** Typical list price per unit/licence in CNY. */
  price: number;
}

/** What 演示科技 sells: software, devices and services for B2B digitalisation. */
export const PRODUCTS: readonly Product[] = [
  { sku: 'TL-MES-STD', name: '制造执行系统 标准版', line: '智能制造', price: 180_000 },
  { sku: 'TL-MES-PRO', name: '制造执行系统 专业版', line: '智能制造', price: 420_000 },
  { sku: 'TL-IOT-GW100', name: '设备联网网关', line: '智能制造', price: 6_800 },
  { sku: 'TL-QMS', name: '质量管理系统', line: '智能制造', price: 150_000 },
  { sku: 'TL-BI', name: '商业智能报表', line: '数据智能', price: 88_000 },
  { sku: 'TL-DP', name: '数据中台', line: '数据智能', price: 560_000 },
  { sku: 'TL-AI-VIS', name: '视觉质检', line: '数据智能', price: 260_000 },
  { sku: 'TL-OA', name: '协同办公', line: '协同办公', price: 45_000 },
  { sku: 'TL-CRM', name: '客户关系管理', line: '协同办公', price: 68_000 },
  { sku: 'TL-HR', name: '人力资源管理', line: '协同办公', price: 52_000 },
  { sku: 'TL-CAM4K', name: '智能摄像机 4K', line: '安防物联', price: 2_600 },
  { sku: 'TL-ACS', name: '智能门禁系统', line: '安防物联', price: 38_000 },
  { sku: 'TL-EMS', name: '能耗管理系统', line: '安防物联', price: 120_000 },
  { sku: 'TL-SVC-MNT', name: '年度维保服务', line: '专业服务', price: 30_000 },
  { sku: 'TL-SVC-ONS', name: '驻场实施服务', line: '专业服务', price: 25_000 },
  { sku: 'TL-SVC-TRN', name: '培训服务', line: '专业服务', price: 8_000 },
];

export const PRODUCT_LINES = [...new Set(PRODUCTS.map((p) => p.line))];

/** Typical opportunity size per tier: log-normal median (CNY) and spread. */
export const DEAL_SIZE: Record<'KA' | 'A' | 'B' | 'C', { median: number; sigma: number; min: number }> = {
  KA: { median: 1_200_000, sigma: 0.6, min: 200_000 },
  A: { median: 380_000, sigma: 0.55, min: 60_000 },
  B: { median: 120_000, sigma: 0.6, min: 15_000 },
  C: { median: 35_000, sigma: 0.65, min: 3_000 },
};

export const VISIT_PURPOSES: readonly (readonly [string, number])[] = [
  ['初次拜访', 8],
  ['需求调研', 14],
  ['方案演示', 12],
  ['技术交流', 10],
  ['商务谈判', 9],
  ['合同签订', 3],
  ['实施对接', 7],
  ['售后回访', 11],
  ['关系维护', 13],
  ['回款跟进', 6],
  ['续约沟通', 7],
];

/** Pieces of visit notes; combined with names, numbers and dates so honest notes rarely repeat. */
export const NOTE_PARTS = {
  opener: ['与{dept}{person}沟通', '拜访{dept}{person}', '和{person}面谈', '约见{dept}负责人{person}', '到现场与{person}交流', '陪同{dept}{person}参观产线后座谈'],
  topic: {
    初次拜访: ['介绍公司及{line}产品线', '了解客户组织架构和采购流程', '初步了解{line}方面的现状'],
    需求调研: ['梳理{line}现有痛点', '调研{n}条产线的数据采集现状', '了解明年{line}预算安排', '收集各部门对{product}的需求'],
    方案演示: ['演示{product}', '讲解{product}的实施方案', '现场演示{product}并答疑', '展示同行业{industry}案例'],
    技术交流: ['与技术团队交流{product}对接方案', '讨论现有系统与{product}的接口', '确认部署环境和网络要求'],
    商务谈判: ['就{product}报价进行谈判', '讨论付款方式和账期', '沟通{n}套{product}的折扣'],
    合同签订: ['确认合同条款并签字盖章', '完成{product}合同签订', '递交盖章合同和发票信息'],
    实施对接: ['对接{product}上线计划', '确认第{n}期实施里程碑', '协调驻场人员进场时间'],
    售后回访: ['回访{product}使用情况', '收集上线后的问题反馈', '检查设备运行状态'],
    关系维护: ['节前拜访，维护客户关系', '交流行业动态', '邀请参加{month}月客户沙龙'],
    回款跟进: ['跟进第{n}笔回款', '核对应收账款和发票', '确认尾款支付时间'],
    续约沟通: ['沟通{product}明年续约', '讨论维保合同续签', '了解续约预算和审批节点'],
  } as Record<string, string[]>,
  outcome: [
    '客户认可方案',
    '对价格有顾虑',
    '需内部评估后答复',
    '约定{weekday}再访',
    '客户要求{n}天内提供报价',
    '决策人下周出差，需延后',
    '对方提到竞品也在接触',
    '预算约{budget}万元',
    '需要补充成功案例材料',
    '已确认下一步由技术部牵头',
    '客户希望先做小范围试点',
    '采购流程预计{n}周完成',
    '对交付周期比较关注',
    '整体推进顺利',
  ],
  weekday: ['周一', '周二', '周三', '周四', '周五'],
};
